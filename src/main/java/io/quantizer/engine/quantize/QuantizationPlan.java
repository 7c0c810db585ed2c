package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the op quantizers decided, before anything is emitted: which tensors get QuantizeLinear/DequantizeLinear
 * and with which kind of parameters, which constants become integers, and which activation nodes are folded
 * away. Op quantizers only mark; {@link QdqEmitter} rewrites the graph once from the finished plan.
 */
final class QuantizationPlan {

    /**
     * How an activation tensor is quantized.
     *
     * @param sharesWith null when the tensor has parameters of its own, else the tensor whose parameters it reuses
     * @param fixed      parameters that do not depend on calibration (Softmax output), or null
     * @param optional   marked by its producer only because it may help; dropped when no consumer reads it quantized
     */
    record Activation(String sharesWith, QuantParams fixed, boolean optional) {
    }

    /** A constant input: int8 symmetric weight ({@code asActivation} false) or quantized like an activation. */
    record Constant(Integer axis, boolean asActivation) {
    }

    /** An int32 bias feeding input {@code inputIndex} of node {@code node}. */
    record Bias(int node, int inputIndex, String name, String input, String weight) {
    }

    /** A Relu/Clip node removed because its producer's quantizer already clamps like it. */
    record Fold(int node, String removedInput, String output) {
    }

    private final Map<String, Activation> activations = new LinkedHashMap<>();
    private final Map<String, Integer> quantizedReads = new HashMap<>();
    private final Map<String, Constant> constants = new LinkedHashMap<>();
    private final Map<String, Set<Integer>> constantReaders = new HashMap<>();
    private final List<Bias> biases = new ArrayList<>();
    private final Map<Integer, Fold> folds = new LinkedHashMap<>();
    private final Map<String, String> foldedOutputs = new HashMap<>();

    boolean isActivation(String tensor) {
        return activations.containsKey(tensor);
    }

    Activation activation(String tensor) {
        return activations.get(tensor);
    }

    /** The tensor whose parameters {@code tensor} ends up using. */
    String root(String tensor) {
        String current = tensor;
        Activation a = activations.get(current);
        while (a != null && a.sharesWith() != null) {
            current = a.sharesWith();
            a = activations.get(current);
        }
        return current;
    }

    /** Marks a tensor read quantized by a node; it keeps its own parameters unless already marked otherwise. */
    void readQuantized(String tensor) {
        Activation existing = activations.get(tensor);
        if (existing == null) {
            activations.put(tensor, new Activation(null, null, false));
        } else if (existing.optional()) {
            activations.put(tensor, new Activation(existing.sharesWith(), existing.fixed(), false));
        }
        quantizedReads.merge(tensor, 1, Integer::sum);
    }

    /** Marks an output with its own calibrated parameters (or the fixed ones). */
    void output(String tensor, QuantParams fixed, boolean optional) {
        activations.putIfAbsent(tensor, new Activation(null, fixed, optional));
    }

    void shared(String output, String input) {
        activations.putIfAbsent(output, new Activation(input, null, false));
        quantizedReads.merge(input, 1, Integer::sum);
        Activation source = activations.get(input);
        if (source != null && source.optional()) {
            activations.put(input, new Activation(source.sharesWith(), source.fixed(), false));
        }
    }

    boolean isConstant(String name) {
        return constants.containsKey(name);
    }

    Constant constant(String name) {
        return constants.get(name);
    }

    /** Marks a weight read by node {@code reader}; a second use along another axis makes it per-tensor so both uses stay valid. */
    void weight(String name, Integer axis, int reader) {
        constantReaders.computeIfAbsent(name, k -> new HashSet<>()).add(reader);
        Constant existing = constants.get(name);
        if (existing == null) {
            constants.put(name, new Constant(axis, false));
        } else if (!java.util.Objects.equals(existing.axis(), axis)) {
            constants.put(name, new Constant(null, false));
        }
    }

    void constantActivation(String name, int reader) {
        constantReaders.computeIfAbsent(name, k -> new HashSet<>()).add(reader);
        constants.putIfAbsent(name, new Constant(null, true));
    }

    /** The nodes that read constant {@code name} quantized; any other reader keeps reading the float original. */
    Set<Integer> constantReaders(String name) {
        return constantReaders.getOrDefault(name, Set.of());
    }

    void bias(Bias bias) {
        biases.add(bias);
    }

    void fold(Fold fold) {
        Activation removed = activations.remove(fold.removedInput());
        activations.put(fold.output(), new Activation(null, removed == null ? null : removed.fixed(), false));
        folds.put(fold.node(), fold);
        foldedOutputs.put(fold.removedInput(), fold.output());
    }

    /** Drops optional output marks nobody reads quantized (a MatMul feeding a float op fuses without them). */
    void dropUnreadOptionalOutputs() {
        activations.entrySet().removeIf(e -> e.getValue().optional() && !quantizedReads.containsKey(e.getKey()));
    }

    Map<String, Activation> activations() {
        return activations;
    }

    Map<String, Constant> constants() {
        return constants;
    }

    List<Bias> biases() {
        return biases;
    }

    Map<Integer, Fold> folds() {
        return folds;
    }

    /** For a producer output removed by a fold, the folded node's output that replaces it; else the name itself. */
    String afterFold(String tensor) {
        return foldedOutputs.getOrDefault(tensor, tensor);
    }
}
