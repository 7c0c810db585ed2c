package io.quantizer.engine.recovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization"). For two convolutions where the first's
 * output reaches only the second, directly or through a positively homogeneous activation (ReLU, LeakyReLU:
 * {@code f(x/s) = f(x)/s} for {@code s > 0}), output channel i of the first is divided by
 * {@code s_i = sqrt(r1_i / r2_i)} (weights and bias) and input channel i of the second multiplied by it, where
 * r1 and r2 are the channels' weight ranges (max |w|). Both then have the range {@code sqrt(r1_i r2_i)}, so a
 * per-tensor or per-channel int8 grid wastes fewer levels on one channel's outlying range, and the float function
 * is unchanged. A clipped activation (ReLU6, Clip) is not homogeneous and ends a pair: equalizing across it would
 * change the model.
 */
public final class CrossLayerEqualization {

    private static final Set<String> HOMOGENEOUS = Set.of("Relu", "LeakyRelu");
    /** Scales stay within this factor of 1, so a near-dead channel cannot blow up its partner's range. */
    static final double MAX_SCALE = 1e4;

    public record Result(ModelProto model, int pairs, List<String> notes) {
    }

    private record Pair(String firstWeight, String firstBias, String secondWeight,
                        boolean secondDepthwise) {
    }

    private CrossLayerEqualization() {
    }

    public static Result apply(ModelProto model, int iterations) {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Pair> pairs = pairs(index);
        if (pairs.isEmpty()) {
            return new Result(model, 0, List.of("cross-layer equalization: no pair of convolutions joined directly"
                    + " or through ReLU with constant weights; nothing changed"));
        }
        Map<String, float[]> values = new HashMap<>();
        Map<String, TensorProto> originals = new HashMap<>();
        for (Pair p : pairs) {
            for (String name : new String[] {p.firstWeight(), p.firstBias(), p.secondWeight()}) {
                if (name != null && !values.containsKey(name)) {
                    originals.put(name, index.constant(name));
                    values.put(name, TensorData.floats(index.constant(name)));
                }
            }
        }
        double largest = 1;
        for (int round = 0; round < iterations; round++) {
            for (Pair p : pairs) {
                largest = Math.max(largest, equalize(p, values, originals));
            }
        }
        Map<String, TensorProto> replaced = new HashMap<>();
        values.forEach((name, v) -> replaced.put(name, Initializers.floats(originals.get(name), v)));
        return new Result(Initializers.replace(model, replaced), pairs.size(), List.of(String.format(
                java.util.Locale.ROOT, "cross-layer equalization: %d convolution pair(s) equalized, largest channel"
                        + " scale %.3g", pairs.size(), largest)));
    }

    /** Equalizes one pair in place; returns the largest scale applied (as a factor >= 1 either way). */
    static double equalize(Pair p, Map<String, float[]> values, Map<String, TensorProto> originals) {
        float[] w1 = values.get(p.firstWeight());
        float[] w2 = values.get(p.secondWeight());
        float[] b1 = p.firstBias() == null ? null : values.get(p.firstBias());
        int[] d1 = TensorData.dims(originals.get(p.firstWeight()));
        int[] d2 = TensorData.dims(originals.get(p.secondWeight()));
        int channels = d1[0];
        int per1 = w1.length / channels;
        int out2 = d2[0];
        int in2 = d2[1];
        int kernel2 = w2.length / (out2 * in2);
        double largest = 1;
        for (int c = 0; c < channels; c++) {
            double r1 = 0;
            for (int k = 0; k < per1; k++) {
                r1 = Math.max(r1, Math.abs(w1[c * per1 + k]));
            }
            double r2 = 0;
            if (p.secondDepthwise()) {
                for (int k = 0; k < kernel2; k++) {
                    r2 = Math.max(r2, Math.abs(w2[c * kernel2 + k]));
                }
            } else {
                for (int o = 0; o < out2; o++) {
                    for (int k = 0; k < kernel2; k++) {
                        r2 = Math.max(r2, Math.abs(w2[(o * in2 + c) * kernel2 + k]));
                    }
                }
            }
            if (r1 == 0 || r2 == 0) {
                continue;
            }
            double s = Math.max(1 / MAX_SCALE, Math.min(MAX_SCALE, Math.sqrt(r1 / r2)));
            largest = Math.max(largest, Math.max(s, 1 / s));
            for (int k = 0; k < per1; k++) {
                w1[c * per1 + k] /= s;
            }
            if (b1 != null) {
                b1[c] /= s;
            }
            if (p.secondDepthwise()) {
                for (int k = 0; k < kernel2; k++) {
                    w2[c * kernel2 + k] *= s;
                }
            } else {
                for (int o = 0; o < out2; o++) {
                    for (int k = 0; k < kernel2; k++) {
                        w2[(o * in2 + c) * kernel2 + k] *= s;
                    }
                }
            }
        }
        return largest;
    }

    private static List<Pair> pairs(GraphIndex index) {
        List<Pair> pairs = new ArrayList<>();
        Set<Integer> asFirst = new java.util.HashSet<>();
        Set<Integer> asSecond = new java.util.HashSet<>();
        for (int i = 0; i < index.nodes().size(); i++) {
            NodeProto first = index.node(i);
            if (!first.getOpType().equals("Conv") || first.getOutputCount() != 1) {
                continue;
            }
            String link = first.getOutput(0);
            int nextIndex = onlyConsumer(index, link);
            NodeProto next = nextIndex < 0 ? null : index.node(nextIndex);
            if (next != null && HOMOGENEOUS.contains(next.getOpType())
                    && !(next.getOpType().equals("LeakyRelu") && Attributes.getFloat(next, "alpha", 0.01f) < 0)) {
                link = next.getOutput(0);
                nextIndex = onlyConsumer(index, link);
                next = nextIndex < 0 ? null : index.node(nextIndex);
            }
            if (next == null || !next.getOpType().equals("Conv") || !next.getInput(0).equals(link)) {
                continue;
            }
            String w1 = first.getInput(1);
            String b1 = first.getInputCount() > 2 && !first.getInput(2).isEmpty() ? first.getInput(2) : null;
            String w2 = next.getInput(1);
            if (!ownFloatConstant(index, w1, first) || !ownFloatConstant(index, w2, next)
                    || (b1 != null && !ownFloatConstant(index, b1, first))) {
                continue;
            }
            int[] d1 = TensorData.dims(index.constant(w1));
            int[] d2 = TensorData.dims(index.constant(w2));
            long group2 = Attributes.getInt(next, "group", 1);
            boolean depthwise = group2 > 1 && group2 == d2[0] && d2[1] == 1 && group2 == d1[0];
            boolean dense = group2 == 1 && d2.length >= 2 && d2[1] == d1[0];
            if (!depthwise && !dense) {
                continue;
            }
            // each weight moves with one pair per round; a chain (conv, conv, conv) is two pairs sharing the middle
            if (!asFirst.add(i) || !asSecond.add(nextIndex)) {
                continue;
            }
            pairs.add(new Pair(w1, b1, w2, depthwise));
        }
        return pairs;
    }

    /** The index of the one node reading {@code tensor}, or -1 when it has other readers or is an output. */
    private static int onlyConsumer(GraphIndex index, String tensor) {
        List<Integer> consumers = index.consumers(tensor);
        if (consumers.size() != 1 || index.isGraphOutput(tensor) || index.isReadBySubgraph(tensor)) {
            return -1;
        }
        return consumers.get(0);
    }

    /** A float initializer read by {@code node} only, so rescaling it changes nothing else. */
    private static boolean ownFloatConstant(GraphIndex index, String name, NodeProto node) {
        TensorProto t = index.constant(name);
        return t != null && t.getDataType() == TensorProto.DataType.FLOAT_VALUE && index.consumers(name).size() == 1
                && !index.isGraphOutput(name) && !index.isReadBySubgraph(name)
                && node.getInputList().stream().filter(name::equals).count() == 1;
    }
}
