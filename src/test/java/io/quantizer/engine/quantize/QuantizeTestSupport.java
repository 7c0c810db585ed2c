package io.quantizer.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.OrtTestRunner;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;

/** Quantizes test graphs with ranges from a plain min/max pass, and compares them with fp32 in ONNX Runtime. */
final class QuantizeTestSupport {

    private QuantizeTestSupport() {
    }

    /** Min/max of each tensor over the samples, observed by exposing the tensors as extra graph outputs. */
    static Map<String, TensorRange> minMax(ModelProto model, Set<String> tensors, List<Map<String, Input>> samples)
            throws Exception {
        ModelProto.Builder augmented = model.toBuilder();
        Set<String> outputs = new java.util.HashSet<>();
        model.getGraph().getOutputList().forEach(o -> outputs.add(o.getName()));
        Set<String> inputs = new java.util.HashSet<>();
        model.getGraph().getInputList().forEach(i -> inputs.add(i.getName()));
        for (String t : tensors) {
            if (!outputs.contains(t) && !inputs.contains(t)) {
                augmented.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        Map<String, float[]> extremes = new HashMap<>();
        for (Map<String, Input> sample : samples) {
            Map<String, float[]> values = new HashMap<>(OrtTestRunner.run(augmented.build(), sample, OptLevel.NO_OPT));
            sample.forEach((name, input) -> values.put(name, input.values()));
            for (String t : tensors) {
                float[] v = values.get(t);
                assertThat(v).as("observed " + t).isNotNull();
                float[] e = extremes.computeIfAbsent(t, k -> new float[] {Float.MAX_VALUE, -Float.MAX_VALUE});
                for (float x : v) {
                    e[0] = Math.min(e[0], x);
                    e[1] = Math.max(e[1], x);
                }
            }
        }
        Map<String, TensorRange> ranges = new HashMap<>();
        extremes.forEach((t, e) -> ranges.put(t, new TensorRange(e[0], e[1])));
        return ranges;
    }

    static QuantizationOutcome quantize(ModelProto model, QuantizationRecipe recipe, List<Map<String, Input>> samples)
            throws Exception {
        QdqQuantizer quantizer = new QdqQuantizer(recipe);
        Map<String, TensorRange> ranges = minMax(model, quantizer.tensorsToCalibrate(model), samples);
        return quantizer.quantize(model, ranges);
    }

    /** Runs both models at ORT_ENABLE_ALL on {@code sample} and returns the cosine of each output pair. */
    static Map<String, Double> cosines(ModelProto fp32, ModelProto int8, Map<String, Input> sample) throws Exception {
        Map<String, float[]> expected = OrtTestRunner.run(fp32, sample);
        Map<String, float[]> actual = OrtTestRunner.run(int8, sample);
        Map<String, Double> out = new HashMap<>();
        expected.forEach((name, values) -> out.put(name, OrtTestRunner.cosine(values, actual.get(name))));
        return out;
    }

    static FusionCheck.Result fusion(ModelProto quantized, Path dir) throws Exception {
        Path file = Files.createTempFile(dir, "quantized", ".onnx");
        OnnxModels.save(quantized, file);
        return FusionCheck.check(file, dir.resolve(file.getFileName() + ".optimized.onnx"), Set.of());
    }

    static long count(ModelProto model, String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).count();
    }

    static NodeDecision decision(QuantizationOutcome outcome, String nodeName) {
        return outcome.nodes().stream().filter(d -> d.nodeName().equals(nodeName)).findFirst().orElseThrow();
    }

    static NodeProto producerOf(ModelProto model, String tensor) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst()
                .orElseThrow();
    }

    static QuantizationRecipe recipe(Boolean perChannel, QuantizationRecipe.QuantType activations,
            List<String> excludeNodes, List<String> excludeOpTypes) {
        return new QuantizationRecipe(null, null, activations, null, perChannel, null, null, excludeNodes,
                excludeOpTypes).withDefaults();
    }

    static List<Map<String, Input>> samples(String input, int count, float low, float high, long... shape) {
        List<Map<String, Input>> samples = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(Map.of(input, Input.random(100 + i, low, high, shape)));
        }
        return samples;
    }
}
