package io.quantizer.engine.recovery;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.quantize.NodeNames;

/**
 * Fast bias correction (as NNCF's FastBiasCorrection, after Nagel et al. 2019). For each quantized Conv or Gemm
 * with an int32 bias, the layer is run twice on the same float input taken from the fp32 model: once in float,
 * once as the quantized model runs it (input through its QuantizeLinear/DequantizeLinear, int8 weights, int32
 * bias). The mean difference per output channel over the calibration samples is the bias int8 introduces; it is
 * subtracted from the int32 bias. Every layer is measured on float inputs, so one layer's correction does not
 * leak into the next one's measurement, and all layers come out of one pass over the data.
 */
public final class BiasCorrection {

    public record Result(ModelProto model, int corrected, List<String> notes) {
    }

    /** One layer to correct: its float output, its probe's output, its bias in the quantized graph. */
    private record Layer(String name, String floatOutput, String probeOutput, int channelAxis, String biasQuantized,
                         String biasScale) {
    }

    private BiasCorrection() {
    }

    /**
     * @param prepared  the fp32 graph that was quantized
     * @param quantized the QDQ graph made from it
     */
    public static Result apply(ModelProto prepared, ModelProto quantized, Path calibration,
                               Map<String, BigDecimal> constants, long maxSamples) throws IOException, OrtException {
        ModelProto named = NodeNames.ensure(prepared);
        GraphIndex fp = new GraphIndex(named.getGraph());
        GraphIndex q = new GraphIndex(quantized.getGraph());
        Map<String, NodeProto> floatNodes = new HashMap<>();
        fp.nodes().forEach(n -> floatNodes.put(n.getName(), n));
        GraphProto.Builder probe = named.getGraph().toBuilder();
        Set<String> copied = new HashSet<>(fp.initializers().keySet());
        List<Layer> layers = new ArrayList<>();
        for (NodeProto node : q.nodes()) {
            NodeProto original = floatNodes.get(node.getName());
            if (!(node.getOpType().equals("Conv") || node.getOpType().equals("Gemm")) || node.getInputCount() < 3
                    || original == null || !original.getOpType().equals(node.getOpType())) {
                continue;
            }
            NodeProto actDq = producer(q, node.getInput(0), "DequantizeLinear");
            NodeProto actQ = actDq == null ? null : producer(q, actDq.getInput(0), "QuantizeLinear");
            NodeProto weightDq = producer(q, node.getInput(1), "DequantizeLinear");
            NodeProto biasDq = producer(q, node.getInput(2), "DequantizeLinear");
            TensorProto bias = biasDq == null ? null : q.constant(biasDq.getInput(0));
            if (actQ == null || weightDq == null || q.constant(weightDq.getInput(0)) == null || bias == null
                    || bias.getDataType() != TensorProto.DataType.INT32_VALUE) {
                continue;
            }
            String prefix = "bias_correction/" + layers.size() + "/";
            NodeProto.Builder quantize = actQ.toBuilder().setName(prefix + "q").setInput(0, original.getInput(0))
                    .setOutput(0, prefix + "quantized");
            NodeProto.Builder dequantize = actDq.toBuilder().setName(prefix + "dq").setInput(0, prefix + "quantized")
                    .setOutput(0, prefix + "input");
            NodeProto.Builder weights = weightDq.toBuilder().setName(prefix + "w").setOutput(0, prefix + "weights");
            NodeProto.Builder biases = biasDq.toBuilder().setName(prefix + "b").setOutput(0, prefix + "bias");
            NodeProto.Builder layer = node.toBuilder().setName(prefix + "layer").setInput(0, prefix + "input")
                    .setInput(1, prefix + "weights").setInput(2, prefix + "bias").setOutput(0, prefix + "output");
            for (NodeProto.Builder n : List.of(quantize, dequantize, weights, biases, layer)) {
                probe.addNode(n);
                for (String input : n.getInputList()) {
                    TensorProto t = q.initializer(input);
                    if (t != null && copied.add(input)) {
                        probe.addInitializer(t);
                    }
                }
            }
            layers.add(new Layer(node.getName(), original.getOutput(0), prefix + "output",
                    node.getOpType().equals("Conv") ? 1 : -1, biasDq.getInput(0), biasDq.getInput(1)));
        }
        if (layers.isEmpty()) {
            return new Result(quantized, 0, List.of("bias correction: no quantized Conv/Gemm with an int32 bias"));
        }
        Map<String, double[]> sums = new HashMap<>();
        long[] counts = new long[layers.size()];
        Set<String> tensors = new java.util.LinkedHashSet<>();
        layers.forEach(l -> {
            tensors.add(l.floatOutput());
            tensors.add(l.probeOutput());
        });
        try {
            CalibrationProbe.run(named.toBuilder().setGraph(probe).build(), tensors, calibration, constants, maxSamples,
                    (values, shapes) -> {
                        for (int i = 0; i < layers.size(); i++) {
                            Layer l = layers.get(i);
                            long[] shape = shapes.get(l.floatOutput());
                            int axis = l.channelAxis() < 0 ? shape.length - 1 : l.channelAxis();
                            int channels = (int) shape[axis];
                            long inner = 1;
                            for (int d = axis + 1; d < shape.length; d++) {
                                inner *= shape[d];
                            }
                            double[] sum = sums.computeIfAbsent(l.name(), n -> new double[channels]);
                            FloatBuffer f = values.get(l.floatOutput()).duplicate();
                            FloatBuffer p = values.get(l.probeOutput()).duplicate();
                            for (int j = 0; f.hasRemaining(); j++) {
                                sum[(int) ((j / inner) % channels)] += p.get() - f.get();
                            }
                            counts[i] += f.limit() / channels;
                        }
                    });
        } catch (EngineInputException e) {
            return new Result(quantized, 0, List.of("bias correction skipped: " + e.getMessage()));
        }
        Map<String, TensorProto> replaced = new LinkedHashMap<>();
        double largest = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            double[] sum = sums.get(l.name());
            TensorProto bias = q.constant(l.biasQuantized());
            int[] ints = intValues(bias);
            float[] scales = TensorData.floats(q.constant(l.biasScale()));
            if (sum == null || sum.length != ints.length || counts[i] == 0) {
                continue;
            }
            for (int c = 0; c < ints.length; c++) {
                double shift = sum[c] / counts[i];
                double scale = scales[scales.length == 1 ? 0 : c];
                largest = Math.max(largest, Math.abs(shift));
                long moved = Math.round(ints[c] - shift / scale);
                ints[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, moved));
            }
            replaced.put(l.biasQuantized(), TensorData.int32Tensor(l.biasQuantized(),
                    TensorData.shape(bias.getDimsList()), ints));
        }
        return new Result(Initializers.replace(quantized, replaced), replaced.size(), List.of(String.format(
                java.util.Locale.ROOT, "bias correction: %d Conv/Gemm bias(es) shifted by the mean int8 output error"
                        + " on calibration samples (largest shift %.3g)", replaced.size(), largest)));
    }

    private static NodeProto producer(GraphIndex index, String tensor, String opType) {
        int p = index.producer(tensor);
        return p >= 0 && index.node(p).getOpType().equals(opType) ? index.node(p) : null;
    }

    private static int[] intValues(TensorProto t) {
        if (t.getInt32DataCount() > 0) {
            return t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
        }
        java.nio.IntBuffer b = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer();
        int[] out = new int[b.remaining()];
        b.get(out);
        return out;
    }
}
