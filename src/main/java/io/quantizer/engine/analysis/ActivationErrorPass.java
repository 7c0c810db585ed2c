package io.quantizer.engine.analysis;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.calibration.GraphAugmenter;
import io.quantizer.engine.evaluation.OutputComparison;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.quantize.QuantizedTensor;
import io.quantizer.engine.report.LayerAnalysis;

/**
 * Runs the fp32 and the int8 model side by side over the subset, one sample at a time, with every quantized
 * activation exposed as an output on both, and keeps running sums per tensor (memory: one sample's activations of
 * each model). Two errors per tensor: the int8 model's value against fp32 (what reaches the next layer, all earlier
 * error included), and fp32 put through this tensor's own quantize-dequantize (the error its range adds alone).
 * The fp32 outputs are kept as the reference later candidates are scored against, and the int8 model is scored too.
 */
final class ActivationErrorPass {

    record Result(List<LayerAnalysis.TensorError> errors, Map<String, Double> ownSqnr, ReferenceOutputs reference,
                  SubsetScore quantized, long samples) {
    }

    private ActivationErrorPass() {
    }

    static Result run(ModelProto fp32, ModelProto int8, List<QuantizedTensor> tensors, AnalysisSubset subset,
                      String classificationOutput) throws IOException, OrtException {
        GraphIndex reference = new GraphIndex(fp32.getGraph());
        GraphIndex quantized = new GraphIndex(int8.getGraph());
        Map<String, String> int8Names = new LinkedHashMap<>();
        Map<String, QuantizedTensor> params = new LinkedHashMap<>();
        for (QuantizedTensor t : inGraphOrder(tensors, reference)) {
            String name = int8Name(t.name(), quantized);
            if (name != null) {
                int8Names.put(t.name(), name);
                params.put(t.name(), t);
            }
        }
        Set<String> outputs = new LinkedHashSet<>();
        fp32.getGraph().getOutputList().stream().map(ValueInfoProto::getName).forEach(outputs::add);
        int samples = (int) subset.available();
        ReferenceOutputs references = new ReferenceOutputs(outputs, samples);
        SubsetScore score = new SubsetScore(references, classificationOutput);
        Map<String, OutputComparison> cumulative = new LinkedHashMap<>();
        Map<String, OutputComparison> own = new LinkedHashMap<>();
        try (OrtSession a = Sessions.open(GraphAugmenter.withOutputs(fp32, int8Names.keySet()));
             OrtSession b = Sessions.open(GraphAugmenter.withOutputs(int8, new LinkedHashSet<>(int8Names.values())))) {
            subset.forEachBatch(a, 1, (offset, batch) -> {
                try (OrtSession.Result x = a.run(batch.inputs()); OrtSession.Result y = b.run(batch.inputs())) {
                    references.add(offset, batch, x);
                    score.add(offset, batch.size(), y);
                    int8Names.forEach((name, renamed) -> {
                        FloatBuffer fx = ReferenceOutputs.floats(x.get(name).orElse(null));
                        FloatBuffer fy = ReferenceOutputs.floats(y.get(renamed).orElse(null));
                        if (fx != null && fy != null && fx.remaining() == fy.remaining()) {
                            cumulative.computeIfAbsent(name, OutputComparison::new).add(fx, fy);
                            own.computeIfAbsent(name, OutputComparison::new).add(fx, fakeQuant(fx, params.get(name)));
                        }
                    });
                }
            });
        }
        List<LayerAnalysis.TensorError> errors = new ArrayList<>();
        Map<String, Double> ownSqnr = new LinkedHashMap<>();
        cumulative.forEach((name, sums) -> {
            OutputFidelity f = sums.result();
            Double alone = own.get(name).result().sqnrDb();
            ownSqnr.put(name, alone);
            int producer = reference.producer(name);
            errors.add(new LayerAnalysis.TensorError(name, producer < 0 ? null : reference.node(producer).getName(),
                    f.sqnrDb(), f.cosine(), f.maxAbsError(), alone));
        });
        return new Result(errors, ownSqnr, references, score, samples);
    }

    /** Activations in the order their producers run (graph inputs first). */
    private static List<QuantizedTensor> inGraphOrder(List<QuantizedTensor> tensors, GraphIndex graph) {
        return tensors.stream().filter(t -> "activation".equals(t.kind()))
                .filter(t -> graph.producer(t.name()) >= 0 || graph.isGraphInput(t.name()))
                .sorted(java.util.Comparator.comparingInt(t -> graph.producer(t.name()))).toList();
    }

    /**
     * The int8 graph's name for the dequantized value of {@code tensor}: the name itself where a DequantizeLinear
     * produces it, else (a graph input) the output of the DequantizeLinear behind its QuantizeLinear.
     */
    private static String int8Name(String tensor, GraphIndex int8) {
        if (int8.producer(tensor) >= 0) {
            return tensor;
        }
        for (int q : int8.consumers(tensor)) {
            if (int8.node(q).getOpType().equals("QuantizeLinear")) {
                for (int dq : int8.consumers(int8.node(q).getOutput(0))) {
                    if (int8.node(dq).getOpType().equals("DequantizeLinear")) {
                        return int8.node(dq).getOutput(0);
                    }
                }
            }
        }
        return null;
    }

    /** {@code x} through QuantizeLinear and DequantizeLinear with the tensor's per-tensor parameters. */
    static FloatBuffer fakeQuant(FloatBuffer x, QuantizedTensor t) {
        float scale = t.scales()[0];
        int zero = t.zeroPoints()[0];
        int lo = "uint8".equals(t.elementType()) ? 0 : -128;
        int hi = "uint8".equals(t.elementType()) ? 255 : 127;
        float[] out = new float[x.remaining()];
        for (int i = 0; i < out.length; i++) {
            double q = Math.rint(x.get(x.position() + i) / scale) + zero;
            out[i] = (float) (scale * (Math.max(lo, Math.min(hi, q)) - zero));
        }
        return FloatBuffer.wrap(out);
    }
}
