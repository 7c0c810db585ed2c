package io.quantizer.engine.quantize;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static io.quantizer.engine.quantize.QuantizeTestSupport.count;
import static io.quantizer.engine.quantize.QuantizeTestSupport.decision;
import static io.quantizer.engine.quantize.QuantizeTestSupport.producerOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OrtTestRunner;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each target does to the graph and the numbers, checked on the structure and against ONNX Runtime. */
class TargetProfilesTest {

    @TempDir
    Path dir;

    /** A residual block: conv1-relu1 feeds conv2-relu2-conv3 and, as the skip branch, the Add; then pool and Gemm. */
    static ModelProto residual(long opset) {
        return new ModelBuilder().opset(opset).ir(opset >= 21 ? 10 : 8).input("x", -1, 3, 8, 8).output("y", -1, 4)
                .random("w1", 1, 0.3f, 8, 3, 3, 3).random("b1", 2, 0.1f, 8)
                .random("w2", 3, 0.2f, 8, 8, 3, 3).random("b2", 4, 0.1f, 8)
                .random("w3", 5, 0.2f, 8, 8, 3, 3).random("b3", 6, 0.1f, 8)
                .random("wg", 7, 0.4f, 4, 8).random("bg", 8, 0.1f, 4)
                .node("conv1", "Conv", names("x", "w1", "b1"), names("c1"), pads())
                .node("relu1", "Relu", names("c1"), names("r1"))
                .node("conv2", "Conv", names("r1", "w2", "b2"), names("c2"), pads())
                .node("relu2", "Relu", names("c2"), names("r2"))
                .node("conv3", "Conv", names("r2", "w3", "b3"), names("c3"), pads())
                .node("add", "Add", names("c3", "r1"), names("a"))
                .node("relu3", "Relu", names("a"), names("ra"))
                .node("gap", "GlobalAveragePool", names("ra"), names("g"))
                .node("flatten", "Flatten", names("g"), names("f"))
                .node("gemm", "Gemm", names("f", "wg", "bg"), names("y"), Attributes.ofInt("transB", 1))
                .build();
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto pads() {
        return Attributes.ofInts("pads", List.of(1L, 1L, 1L, 1L));
    }

    private static List<Map<String, Input>> samples() {
        return QuantizeTestSupport.samples("x", 8, -1f, 1f, 2, 3, 8, 8);
    }

    private static QuantizationRecipe recipe(Target target) {
        return new QuantizationRecipe(null, null, null, null, null, null, null, null, null, null, null, null).withTarget(target);
    }

    private static Map<String, Input> probe() {
        return Map.of("x", Input.random(999, -1f, 1f, 3, 3, 8, 8));
    }

    @Test
    void tensorRtGetsSymmetricInt8QdqOnWeightedInputsAndTheSkipBranchOnly() throws Exception {
        ModelProto fp32 = residual(13);
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, recipe(Target.TENSORRT), samples());
        ModelProto trt = outcome.model();
        GraphIndex index = new GraphIndex(trt.getGraph());

        // every Q/DQ: int8, zero point 0
        for (NodeProto node : trt.getGraph().getNodeList()) {
            if (node.getOpType().equals("QuantizeLinear") || node.getOpType().equals("DequantizeLinear")) {
                TensorProto zero = index.initializer(node.getInput(2));
                assertThat(zero.getDataType()).as(node.getName()).isEqualTo(TensorProto.DataType.INT8_VALUE);
                assertThat(zero.getRawData().toByteArray()).as(node.getName()).containsOnly(0);
                TensorProto data = index.initializer(node.getInput(0));
                if (data != null) { // a weight: int8 per output channel, symmetric grid
                    assertThat(data.getDataType()).isEqualTo(TensorProto.DataType.INT8_VALUE);
                    assertThat(data.getRawData().toByteArray()).doesNotContain((byte) -128);
                }
            }
        }
        // activation Q/DQ exactly on the inputs of the weighted operators (x, r1, r2, f); r1 is also the skip input
        Set<String> quantizedActivations = trt.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("DequantizeLinear") && index.initializer(n.getInput(0)) == null)
                .map(n -> activation(trt, n)).collect(Collectors.toSet());
        assertThat(quantizedActivations).containsExactlyInAnyOrder("x", "r1", "r2", "f");
        // no Q/DQ between a Conv and its ReLU, nor on the Conv output fused into the residual Add
        assertThat(producerOf(trt, "c1").getOpType()).isEqualTo("Conv");
        assertThat(producerOf(trt, "c3").getOpType()).isEqualTo("Conv");
        assertThat(consumer(trt, "c1").getOpType()).isEqualTo("Relu");
        NodeProto add = consumer(trt, "c3");
        assertThat(add.getOpType()).isEqualTo("Add");
        assertThat(producerOf(trt, add.getInput(1)).getOpType()).isEqualTo("DequantizeLinear");
        // weights per output channel, biases float (TensorRT folds them into its kernel)
        for (String conv : List.of("conv1", "conv2", "conv3")) {
            NodeProto node = node(trt, conv);
            NodeProto weightDq = producerOf(trt, node.getInput(1));
            assertThat(weightDq.getOpType()).isEqualTo("DequantizeLinear");
            assertThat(Attributes.getInt(weightDq, "axis", -1)).isZero();
            assertThat(index.initializer(node.getInput(2)).getDataType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE);
        }
        assertThat(decision(outcome, "add").reason()).contains("skip input 'r1'").contains("conv3");
        assertThat(decision(outcome, "relu1").reason()).contains("fused by TensorRT into 'conv1'");
        assertThat(QuantizeTestSupport.cosines(fp32, trt, probe()).get("y")).isGreaterThan(0.99);
    }

    @Test
    void tensorRtCacheHoldsTheQdqScalesAndEveryOtherActivation() throws Exception {
        ModelProto fp32 = residual(13);
        QdqQuantizer quantizer = new QdqQuantizer(recipe(Target.TENSORRT));
        Set<String> observed = quantizer.tensorsToCalibrate(fp32);
        assertThat(observed).contains("x", "c1", "r1", "c2", "r2", "c3", "a", "ra", "g", "f", "y");
        Map<String, TensorRange> ranges = QuantizeTestSupport.minMax(fp32, observed, samples());
        ModelProto trt = quantizer.quantize(fp32, ranges).model();

        Path file = dir.resolve("model.calibration.cache");
        int written = TensorRtCalibrationCache.write(TensorRtCalibrationCache.scales(fp32, ranges), file);
        List<String> lines = java.nio.file.Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo("TRT-8601-EntropyCalibration2");
        assertThat(lines.subList(1, lines.size())).allMatch(l -> l.matches("[^ ]+: [0-9a-f]{8}"));
        Map<String, Float> cache = TensorRtCalibrationCache.read(file);
        assertThat(cache).hasSize(written).containsKeys("x", "c1", "r1", "c2", "r2", "c3", "a", "ra", "g", "f", "y");
        for (Map.Entry<String, Float> e : cache.entrySet()) {
            TensorRange r = ranges.get(e.getKey());
            float absMax = Math.max(Math.abs(r.min()), Math.abs(r.max()));
            assertThat(e.getValue()).as(e.getKey()).isEqualTo(absMax / 127f);
        }
        // the tensors with Q/DQ: the cache holds the very scale the model's QuantizeLinear uses, bit for bit
        GraphIndex index = new GraphIndex(trt.getGraph());
        int checked = 0;
        for (NodeProto dq : trt.getGraph().getNodeList()) {
            if (dq.getOpType().equals("DequantizeLinear") && index.initializer(dq.getInput(0)) == null) {
                float scale = TensorData.floats(index.initializer(dq.getInput(1)))[0];
                assertThat(Float.floatToIntBits(cache.get(activation(trt, dq)))).isEqualTo(Float.floatToIntBits(scale));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(4);
    }

    @Test
    void avx2WeightsStayWithinSevenBitsSoNoPairOfProductsOverflowsInt16() throws Exception {
        ModelProto fp32 = residual(13);
        ModelProto avx2 = QuantizeTestSupport.quantize(fp32, recipe(Target.CPU_AVX2), samples()).model();
        ModelProto vnni = QuantizeTestSupport.quantize(fp32, recipe(Target.CPU_VNNI), samples()).model();

        assertThat(largestWeight(avx2)).isEqualTo(63);
        assertThat(largestWeight(vnni)).isEqualTo(127);
        // the u8s8 pair sum vpmaddubsw forms: 255 * (|w_i| + |w_j|) must stay under 32768
        assertThat(255 * 2 * largestWeight(avx2)).isLessThanOrEqualTo(Short.MAX_VALUE);
        assertThat(QuantizeTestSupport.cosines(fp32, avx2, probe()).get("y")).isGreaterThan(0.99);
        FusionCheck.Result fusion = QuantizeTestSupport.fusion(avx2, dir);
        assertThat(fusion.count("QLinearConv")).isEqualTo(3);
        assertThat(fusion.fullyFused()).isTrue();
    }

    @Test
    void a16w8RunsInOnnxRuntimeWithUint16ActivationsAndIsCloserToFp32ThanUint8() throws Exception {
        ModelProto fp32 = residual(21);
        QuantizationOutcome a16 = QuantizeTestSupport.quantize(fp32, recipe(Target.NPU_A16W8), samples());
        ModelProto u8 = QuantizeTestSupport.quantize(residual(13), recipe(Target.CPU_VNNI), samples()).model();
        GraphIndex index = new GraphIndex(a16.model().getGraph());
        long sixteen = 0;
        for (NodeProto node : a16.model().getGraph().getNodeList()) {
            if (node.getOpType().equals("QuantizeLinear")) {
                assertThat(index.initializer(node.getInput(2)).getDataType()).isEqualTo(TensorProto.DataType.UINT16_VALUE);
                sixteen++;
            } else if (node.getOpType().equals("DequantizeLinear") && index.initializer(node.getInput(0)) != null
                    && index.initializer(node.getInput(0)).getDims(0) > 1 && node.getInput(0).startsWith("w")) {
                assertThat(index.initializer(node.getInput(0)).getDataType()).isEqualTo(TensorProto.DataType.INT8_VALUE);
            }
        }
        assertThat(sixteen).isGreaterThan(3);

        Map<String, float[]> expected = OrtTestRunner.run(fp32, probe());
        float[] a16Out = OrtTestRunner.run(a16.model(), probe()).get("y"); // ORT's CPU provider runs uint16 Q/DQ
        float[] u8Out = OrtTestRunner.run(u8, probe()).get("y");
        double a16Error = OrtTestRunner.maxAbsDiff(expected.get("y"), a16Out);
        double u8Error = OrtTestRunner.maxAbsDiff(expected.get("y"), u8Out);
        assertThat(a16Error).isLessThan(u8Error);
        assertThat(1 - OrtTestRunner.cosine(expected.get("y"), a16Out))
                .isLessThan(1 - OrtTestRunner.cosine(expected.get("y"), u8Out));
    }

    @Test
    void sixteenBitActivationsNeedOpset21OrNothingIsQuantized() throws Exception {
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(residual(13), recipe(Target.NPU_A16W8), samples());
        assertThat(count(outcome.model(), "QuantizeLinear")).isZero();
        assertThat(outcome.notes()).anyMatch(n -> n.contains("uint16 QuantizeLinear needs opset 21"));
    }

    private static int largestWeight(ModelProto model) {
        int largest = 0;
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.INT8_VALUE && t.getName().startsWith("w")) {
                for (byte b : t.getRawData().toByteArray()) {
                    largest = Math.max(largest, Math.abs(b));
                }
            }
        }
        return largest;
    }

    /** The activation a DequantizeLinear restores: its own output, or the graph input its QuantizeLinear reads. */
    private static String activation(ModelProto model, NodeProto dq) {
        String quantizeInput = producerOf(model, dq.getInput(0)).getInput(0);
        boolean graphInput = model.getGraph().getInputList().stream().anyMatch(i -> i.getName().equals(quantizeInput));
        return graphInput ? quantizeInput : dq.getOutput(0);
    }

    private static NodeProto node(ModelProto model, String name) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static NodeProto consumer(ModelProto model, String tensor) {
        List<NodeProto> readers = model.getGraph().getNodeList().stream().filter(n -> n.getInputList().contains(tensor))
                .toList();
        assertThat(readers).as("readers of " + tensor).hasSize(1);
        return readers.get(0);
    }
}
