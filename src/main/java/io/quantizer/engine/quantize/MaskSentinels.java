package io.quantizer.engine.quantize;

import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * Tensors that must stay float because they carry sentinel values: attention masks written as huge negative
 * constants (-FLT_MAX, -1e9, -1e4) mixed into the scores of a Softmax, and anything holding infinities or NaN.
 * One 8-bit scale cannot cover both the sentinel and the values it masks: with a -1e9 mask every unmasked score
 * lands in the same quantization step and the Softmax turns uniform. Two rules, neither a list of magic values:
 * <ul>
 *   <li>a float constant holding a non-finite value, or one within {@link #HUGE} of ±FLT_MAX (no scale derived
 *       from it is finite), taints every tensor computed from it;</li>
 *   <li>an Add, Sub or Where whose result feeds a Softmax and one of whose operands, shaped like a mask (a constant,
 *       or an activation whose range ends at 0), spans more than {@link #DWARF} times the other's range
 *       (constants measured from their values, activations from calibration): a quantized result would leave the
 *       information-carrying operand fewer than 256 / {@code DWARF} levels. Softmax context matters: it ignores the masked positions, so the small operand
 *       is what counts (a residual Add with a small branch is fine in 8 bits and never feeds a Softmax directly).</li>
 * </ul>
 * A tainted tensor also taints what value-carrying operators (reshapes, casts, scaling, further masking) compute
 * from it, up to the Softmax; those nodes and the Softmax stay float.
 */
final class MaskSentinels {

    /** Magnitudes at or above this are treated as ±FLT_MAX-like sentinels: 127 steps of them overflow a float. */
    static final float HUGE = 1e30f;
    /** An operand this many times wider than the other crushes it into under 16 of the 256 levels. */
    static final double DWARF = 16;

    private static final Set<String> MIXERS = Set.of("Add", "Sub", "Where");
    private static final Set<String> SOFTMAX = Set.of("Softmax", "LogSoftmax");
    /** Operators whose output still holds the (scaled, moved or combined) values of their float inputs. */
    private static final Set<String> CARRIERS = Set.of("Add", "Sub", "Mul", "Div", "Where", "Neg", "Cast", "Reshape",
            "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Slice", "Gather", "Expand", "Tile", "Concat", "Identity",
            "Min", "Max", "Pad", "Split");

    private final GraphIndex index;
    private final Map<String, String> tainted = new LinkedHashMap<>();
    private final Map<String, float[]> constantExtremes = new HashMap<>();

    private MaskSentinels(GraphIndex index) {
        this.index = index;
    }

    /**
     * Tainted tensors with the reason, for a graph and its calibrated ranges ({@code ranges} null before calibration:
     * only the constant rule applies then).
     */
    static Map<String, String> find(GraphIndex index, Map<String, TensorRange> ranges) {
        MaskSentinels s = new MaskSentinels(index);
        s.constants();
        s.propagate(); // first, so that a tensor computed from a non-finite constant is reported as such
        if (ranges != null) {
            s.calibrated(ranges);
            s.propagate();
        }
        return s.tainted;
    }

    /**
     * What calibration must observe for the calibrated rule: the activation operands it compares, and the outputs
     * of the Softmax they feed (a Softmax left float has no fixed output parameters, its readers need a range).
     */
    static Set<String> tensorsToObserve(GraphIndex index) {
        MaskSentinels s = new MaskSentinels(index);
        Set<String> tensors = new LinkedHashSet<>();
        for (int i = 0; i < index.nodes().size(); i++) {
            NodeProto node = index.node(i);
            List<Integer> softmaxes = MIXERS.contains(node.getOpType()) ? s.softmaxesFed(node.getOutput(0)) : List.of();
            if (softmaxes.isEmpty()) {
                continue;
            }
            for (String operand : s.operands(node)) {
                if (index.constant(operand) == null && index.isFloat(operand)) {
                    tensors.add(operand);
                }
            }
            softmaxes.forEach(softmax -> tensors.add(index.node(softmax).getOutput(0)));
        }
        return tensors;
    }

    /** Why a constant cannot be quantized (non-finite or FLT_MAX-like values), or null. */
    static String constantProblem(TensorProto constant) {
        float[] e = extremes(constant);
        if (e[2] > 0) {
            return "holds infinite or NaN values, which no finite scale represents";
        }
        if (Math.max(Math.abs(e[0]), Math.abs(e[1])) >= HUGE) {
            return String.format(Locale.ROOT, "holds %s, a sentinel near ±FLT_MAX that no finite scale represents",
                    number(Math.abs(e[0]) > Math.abs(e[1]) ? e[0] : e[1]));
        }
        return null;
    }

    /** Why a calibrated range cannot be quantized, or null. */
    static String rangeProblem(TensorRange range) {
        if (!Float.isFinite(range.min()) || !Float.isFinite(range.max())) {
            return "calibrated range is not finite";
        }
        if (Math.max(Math.abs(range.min()), Math.abs(range.max())) >= HUGE) {
            return "calibrated range reaches " + number(Math.abs(range.min()) > Math.abs(range.max()) ? range.min()
                    : range.max()) + ", a sentinel near ±FLT_MAX";
        }
        return null;
    }

    private void constants() {
        for (int i = 0; i < index.nodes().size(); i++) {
            for (String input : index.node(i).getInputList()) {
                TensorProto constant = index.constant(input);
                if (constant != null && constant.getDataType() == TensorProto.DataType.FLOAT_VALUE
                        && !tainted.containsKey(input)) {
                    String problem = constantProblem(constant);
                    if (problem != null) {
                        tainted.put(input, "constant '" + input + "' " + problem);
                    }
                }
            }
        }
    }

    private void calibrated(Map<String, TensorRange> ranges) {
        ranges.forEach((tensor, range) -> {
            String problem = rangeProblem(range);
            if (problem != null) {
                tainted.putIfAbsent(tensor, "'" + tensor + "': " + problem);
            }
        });
        for (int i = 0; i < index.nodes().size(); i++) {
            NodeProto node = index.node(i);
            if (!MIXERS.contains(node.getOpType()) || softmaxesFed(node.getOutput(0)).isEmpty()) {
                continue;
            }
            List<String> operands = operands(node);
            if (operands.size() != 2) {
                continue;
            }
            float[] a = range(operands.get(0), ranges);
            float[] b = range(operands.get(1), ranges);
            if (a == null || b == null) {
                continue;
            }
            String reason = maskLike(operands.get(0), a) ? dwarfs(operands.get(0), a, operands.get(1), b) : null;
            if (reason == null && maskLike(operands.get(1), b)) {
                reason = dwarfs(operands.get(1), b, operands.get(0), a);
            }
            if (reason != null) {
                tainted.putIfAbsent(node.getOutput(0), "'" + node.getOutput(0) + "' mixes in a mask: " + reason);
            }
        }
    }

    /**
     * Whether an operand can be the mask: a constant (a mask tensor, or Where's replacement value), or an activation
     * one end of whose range is exactly 0 (an additive mask adds 0 where it keeps). Scores that dwarf a small
     * additive bias are not a mask: quantizing their sum at their own range is ordinary.
     */
    private boolean maskLike(String operand, float[] range) {
        return index.constant(operand) != null || range[0] == 0f || range[1] == 0f;
    }

    /** A reason when {@code big}, widened to hold 0 (a mask is 0 where it keeps), dwarfs {@code small}'s span. */
    private static String dwarfs(String bigName, float[] big, String smallName, float[] small) {
        double bigSpan = (double) Math.max(big[1], 0f) - Math.min(big[0], 0f);
        double smallSpan = (double) small[1] - small[0];
        if (smallSpan <= 0 || bigSpan <= DWARF * smallSpan) {
            return null;
        }
        return String.format(Locale.ROOT, "'%s' reaches %s while '%s' spans only [%s, %s] (%.3g× narrower); one 8-bit"
                + " scale for both would crush the unmasked values into %.2g of 255 steps", bigName,
                number(Math.abs(big[0]) > Math.abs(big[1]) ? big[0] : big[1]), smallName, number(small[0]),
                number(small[1]), bigSpan / smallSpan, 255 * smallSpan / bigSpan);
    }

    private float[] range(String tensor, Map<String, TensorRange> ranges) {
        TensorProto constant = index.constant(tensor);
        if (constant != null) {
            if (constant.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                return null;
            }
            float[] e = constantExtremes.computeIfAbsent(tensor, t -> extremes(constant));
            return e[0] > e[1] ? null : new float[] {e[0], e[1]};
        }
        TensorRange r = ranges.get(tensor);
        return r == null ? null : new float[] {r.min(), r.max()};
    }

    /** The operands a mixer combines: both inputs of Add/Sub, the two branches of Where. */
    private List<String> operands(NodeProto node) {
        List<String> inputs = node.getInputList();
        if (node.getOpType().equals("Where")) {
            return inputs.size() == 3 ? List.of(inputs.get(1), inputs.get(2)) : List.of();
        }
        return inputs.size() == 2 ? inputs : List.of();
    }

    /** The Softmax nodes {@code tensor} reaches through value-carrying operators only. */
    private List<Integer> softmaxesFed(String tensor) {
        Deque<String> work = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new LinkedHashSet<>();
        List<Integer> softmaxes = new java.util.ArrayList<>();
        while (!work.isEmpty()) {
            String t = work.pop();
            if (!seen.add(t)) {
                continue;
            }
            for (int c : index.consumers(t)) {
                NodeProto consumer = index.node(c);
                if (SOFTMAX.contains(consumer.getOpType())) {
                    softmaxes.add(c);
                } else if (CARRIERS.contains(consumer.getOpType())) {
                    work.addAll(consumer.getOutputList());
                }
            }
        }
        return softmaxes;
    }

    /** Taints what value-carrying operators compute from a tainted float tensor. */
    private void propagate() {
        Deque<String> work = new ArrayDeque<>(tainted.keySet());
        while (!work.isEmpty()) {
            String t = work.pop();
            String reason = tainted.get(t);
            for (int c : index.consumers(t)) {
                NodeProto consumer = index.node(c);
                if (!CARRIERS.contains(consumer.getOpType()) || !carriesValues(consumer, t)) {
                    continue;
                }
                for (String out : consumer.getOutputList()) {
                    if (!out.isEmpty() && index.isFloat(out) && !tainted.containsKey(out)) {
                        tainted.put(out, reason);
                        work.add(out);
                    }
                }
            }
        }
    }

    /** Whether {@code input} reaches the output as values (not as Where's condition, a shape or indices). */
    private static boolean carriesValues(NodeProto node, String input) {
        return switch (node.getOpType()) {
            case "Where" -> !node.getInput(0).equals(input) || node.getInputList().lastIndexOf(input) > 0;
            case "Reshape", "Expand", "Tile", "Slice", "Gather", "Pad", "Squeeze", "Unsqueeze", "Split" ->
                    node.getInput(0).equals(input);
            default -> true;
        };
    }

    /** {min, max, non-finite count} over a float constant's values; min > max when it holds no finite value. */
    private static float[] extremes(TensorProto constant) {
        FloatBuffer values = TensorData.floatView(constant);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        int nonFinite = 0;
        for (int i = 0; i < values.limit(); i++) {
            float v = values.get(i);
            if (!Float.isFinite(v)) {
                nonFinite++;
            } else {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return new float[] {min, max, nonFinite};
    }

    private static String number(float v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
