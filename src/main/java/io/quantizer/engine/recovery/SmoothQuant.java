package io.quantizer.engine.recovery;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * SmoothQuant (Xiao et al. 2023) for MatMul and Gemm with a constant weight W[K, N]: the activation x[..., K]
 * feeding them is divided channel by channel by {@code s_j = max|x_j|^alpha / max|W_j|^(1-alpha)} and row j of
 * W multiplied by it, so an outlier channel of x (as LayerNorm outputs in trained transformers have) moves into
 * the weights, which int8 quantizes per output channel. The division is folded into x's producer, exactly: a Mul
 * by a constant (LayerNorm's scale, GELU's final 0.5), a MatMul with a constant weight, or an Add of a constant
 * (LayerNorm's shift) after such a Mul or MatMul. Activations that have other readers, or a producer with nowhere
 * to fold, are left alone: a separate Mul would itself be quantized with the outliers' range.
 */
public final class SmoothQuant {

    static final double MAX_SCALE = 1e5;

    public record Result(ModelProto model, int smoothed, List<String> notes) {
    }

    /** One activation to smooth: the weights reading it, and the constants its division folds into. */
    private record Site(String activation, List<Weight> weights, List<String> foldInto) {
    }

    /** A constant weight read as [K, N] ({@code transposed}: stored [N, K], as Gemm's transB = 1 reads it). */
    private record Weight(String name, boolean transposed) {
    }

    private SmoothQuant() {
    }

    public static Result apply(ModelProto model, double alpha, Path calibration, Map<String, BigDecimal> constants,
                               long maxSamples) throws IOException, OrtException {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Site> sites = sites(index);
        if (sites.isEmpty()) {
            return new Result(model, 0, List.of("SmoothQuant: no MatMul/Gemm activation with a producer to fold the"
                    + " smoothing into; nothing changed"));
        }
        Map<String, double[]> activationMax = new LinkedHashMap<>();
        sites.forEach(s -> activationMax.put(s.activation(), null));
        CalibrationProbe.run(model, activationMax.keySet(), calibration, constants, maxSamples,
                (values, shapes) -> values.forEach((name, v) -> {
                    long[] shape = shapes.get(name);
                    int k = (int) shape[shape.length - 1];
                    double[] max = activationMax.get(name);
                    if (max == null) {
                        max = new double[k];
                        activationMax.put(name, max);
                    }
                    FloatBuffer b = v.duplicate();
                    for (int i = 0; b.hasRemaining(); i = (i + 1) % k) {
                        max[i] = Math.max(max[i], Math.abs(b.get()));
                    }
                }));
        Map<String, float[]> values = new HashMap<>();
        int smoothed = 0;
        double largest = 1;
        for (Site site : sites) {
            double[] xMax = activationMax.get(site.activation());
            int k = xMax.length;
            double[] wMax = new double[k];
            boolean fits = true;
            for (Weight w : site.weights()) {
                int[] dims = TensorData.dims(index.constant(w.name()));
                fits &= dims.length == 2 && dims[w.transposed() ? 1 : 0] == k;
            }
            for (String constant : site.foldInto()) {
                fits &= foldable(index, constant, k);
            }
            if (!fits) {
                continue;
            }
            for (Weight w : site.weights()) {
                float[] v = values.computeIfAbsent(w.name(), n -> TensorData.floats(index.constant(n)));
                int n = v.length / k;
                for (int j = 0; j < k; j++) {
                    for (int c = 0; c < n; c++) {
                        wMax[j] = Math.max(wMax[j], Math.abs(v[w.transposed() ? c * k + j : j * n + c]));
                    }
                }
            }
            double[] s = new double[k];
            for (int j = 0; j < k; j++) {
                s[j] = xMax[j] > 0 && wMax[j] > 0
                        ? Math.max(1 / MAX_SCALE, Math.min(MAX_SCALE, Math.pow(xMax[j], alpha) / Math.pow(wMax[j], 1 - alpha)))
                        : 1;
                largest = Math.max(largest, Math.max(s[j], 1 / s[j]));
            }
            for (Weight w : site.weights()) {
                float[] v = values.get(w.name());
                int n = v.length / k;
                for (int j = 0; j < k; j++) {
                    for (int c = 0; c < n; c++) {
                        v[w.transposed() ? c * k + j : j * n + c] *= (float) s[j];
                    }
                }
            }
            for (String constant : site.foldInto()) {
                values.put(constant, divideLastAxis(index, constant, values.get(constant), s));
            }
            smoothed++;
        }
        Map<String, TensorProto> replaced = new HashMap<>();
        values.forEach((name, v) -> {
            TensorProto original = index.constant(name);
            long[] dims = TensorData.shape(original.getDimsList());
            if (v.length != TensorData.elementCount(original)) {
                // a single value widened to K: K on the last axis (a scalar becomes [K])
                dims = dims.length == 0 ? new long[] {v.length} : dims;
                dims[dims.length - 1] = v.length;
            }
            replaced.put(name, TensorData.floatTensor(name, dims, v));
        });
        return new Result(Initializers.replace(model, replaced), smoothed, List.of(String.format(java.util.Locale.ROOT,
                "SmoothQuant (alpha %.2f): %d MatMul/Gemm input(s) smoothed, largest channel scale %.3g", alpha,
                smoothed, largest)));
    }

    /** {@code constant} divided by s along its last axis; a single value is first widened to K of them. */
    private static float[] divideLastAxis(GraphIndex index, String constant, float[] current, double[] s) {
        float[] v = current != null ? current : TensorData.floats(index.constant(constant));
        int k = s.length;
        float[] out = new float[v.length == 1 ? k : v.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((v.length == 1 ? v[0] : v[i]) / s[i % k]);
        }
        return out;
    }

    /** Whether a constant to fold into holds one value or has K on its last axis. */
    private static boolean foldable(GraphIndex index, String constant, int k) {
        TensorProto t = index.constant(constant);
        return TensorData.elementCount(t) == 1 || (t.getDimsCount() > 0 && t.getDims(t.getDimsCount() - 1) == k);
    }

    private static List<Site> sites(GraphIndex index) {
        Map<String, List<Weight>> readers = new LinkedHashMap<>();
        for (NodeProto node : index.nodes()) {
            Weight w = weightOf(index, node);
            if (w != null) {
                readers.computeIfAbsent(node.getInput(0), x -> new ArrayList<>()).add(w);
            }
        }
        List<Site> sites = new ArrayList<>();
        readers.forEach((x, weights) -> {
            if (weights.size() != index.consumers(x).size() || index.isGraphOutput(x) || index.isReadBySubgraph(x)
                    || weights.stream().anyMatch(w -> index.consumers(w.name()).size() != 1)) {
                return;
            }
            List<String> fold = foldTargets(index, x);
            if (fold != null) {
                sites.add(new Site(x, weights, fold));
            }
        });
        return sites;
    }

    /** A MatMul/Gemm reading an activation as input 0 and a constant float weight of rank 2 as input 1. */
    private static Weight weightOf(GraphIndex index, NodeProto node) {
        boolean matMul = node.getOpType().equals("MatMul");
        boolean gemm = node.getOpType().equals("Gemm") && Attributes.getInt(node, "transA", 0) == 0;
        if (!(matMul || gemm) || node.getInputCount() < 2 || index.constant(node.getInput(0)) != null) {
            return null;
        }
        TensorProto w = index.constant(node.getInput(1));
        if (w == null || w.getDataType() != TensorProto.DataType.FLOAT_VALUE || w.getDimsCount() != 2) {
            return null;
        }
        return new Weight(node.getInput(1), gemm && Attributes.getInt(node, "transB", 0) == 1);
    }

    /**
     * The constants that dividing {@code x} along its last axis rescales, or null when its producer gives none:
     * Mul by a constant, MatMul by a constant [K', K], or Add of a constant after one of those (read only there).
     */
    private static List<String> foldTargets(GraphIndex index, String x) {
        int p = index.producer(x);
        if (p < 0) {
            return null;
        }
        NodeProto producer = index.node(p);
        List<String> scaling = scalingConstant(index, producer);
        if (scaling != null) {
            return scaling;
        }
        if (producer.getOpType().equals("Add") && producer.getInputCount() == 2) {
            for (int c = 0; c < 2; c++) {
                String constant = producer.getInput(c);
                String other = producer.getInput(1 - c);
                if (perChannelConstant(index, constant) && index.consumers(other).size() == 1
                        && !index.isGraphOutput(other) && index.producer(other) >= 0) {
                    List<String> inner = scalingConstant(index, index.node(index.producer(other)));
                    if (inner != null) {
                        List<String> all = new ArrayList<>(inner);
                        all.add(constant);
                        return all;
                    }
                }
            }
        }
        return null;
    }

    private static List<String> scalingConstant(GraphIndex index, NodeProto node) {
        if (node.getOpType().equals("Mul") && node.getInputCount() == 2) {
            for (int c = 0; c < 2; c++) {
                if (perChannelConstant(index, node.getInput(c)) && index.constant(node.getInput(1 - c)) == null) {
                    return List.of(node.getInput(c));
                }
            }
        }
        if (node.getOpType().equals("MatMul") && node.getInputCount() == 2) {
            TensorProto w = index.constant(node.getInput(1));
            if (w != null && w.getDataType() == TensorProto.DataType.FLOAT_VALUE && w.getDimsCount() == 2
                    && index.consumers(node.getInput(1)).size() == 1) {
                return List.of(node.getInput(1));
            }
        }
        return null;
    }

    /** A float constant read only here that broadcasts along the last axis alone: a scalar, or [.., 1, K] / [K]. */
    private static boolean perChannelConstant(GraphIndex index, String name) {
        TensorProto t = index.constant(name);
        if (t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE || index.consumers(name).size() != 1
                || index.isGraphOutput(name)) {
            return false;
        }
        List<Long> dims = t.getDimsList();
        for (int i = 0; i < dims.size() - 1; i++) {
            if (dims.get(i) != 1) {
                return false;
            }
        }
        return true;
    }
}
