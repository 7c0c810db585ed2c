package io.quantizer.engine.quantize;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static io.quantizer.engine.quantize.QuantizeTestSupport.count;
import static io.quantizer.engine.quantize.QuantizeTestSupport.decision;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small CNN with the usual pieces: Conv+Relu, MaxPool, Conv+Clip(0,6), residual Add, pooling, Gemm+Relu, Gemm. */
class CnnQuantizationTest {

    @TempDir
    Path dir;

    static ModelProto cnn() {
        return new ModelBuilder().input("x", -1, 3, 8, 8).output("y", -1, 4)
                .random("w1", 1, 0.3f, 8, 3, 3, 3).random("b1", 2, 0.1f, 8)
                .random("w2", 3, 0.2f, 8, 8, 3, 3).random("b2", 4, 0.1f, 8)
                .random("wg1", 5, 0.4f, 16, 8).random("bg1", 6, 0.1f, 16)
                .random("wg2", 7, 0.4f, 16, 4).random("bg2", 8, 0.1f, 4)
                .floats("zero", new long[0], new float[] {0f}).floats("six", new long[0], new float[] {6f})
                .node("conv1", "Conv", names("x", "w1", "b1"), names("c1"), pads())
                .node("relu1", "Relu", names("c1"), names("r1"))
                .node("pool1", "MaxPool", names("r1"), names("p1"), Attributes.ofInts("kernel_shape", List.of(2L, 2L)),
                        Attributes.ofInts("strides", List.of(2L, 2L)))
                .node("conv2", "Conv", names("p1", "w2", "b2"), names("c2"), pads())
                .node("clip2", "Clip", names("c2", "zero", "six"), names("r2"))
                .node("add", "Add", names("r2", "p1"), names("a"))
                .node("gap", "GlobalAveragePool", names("a"), names("g"))
                .node("flatten", "Flatten", names("g"), names("f"))
                .node("gemm1", "Gemm", names("f", "wg1", "bg1"), names("h"), Attributes.ofInt("transB", 1))
                .node("relu3", "Relu", names("h"), names("hr"))
                .node("gemm2", "Gemm", names("hr", "wg2", "bg2"), names("y"))
                .build();
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto pads() {
        return Attributes.ofInts("pads", List.of(1L, 1L, 1L, 1L));
    }

    private static List<Map<String, Input>> samples() {
        return QuantizeTestSupport.samples("x", 8, -1f, 1f, 2, 3, 8, 8);
    }

    @Test
    void calibratesActivationOutputsInsteadOfTheRawOutputsTheyFoldInto() {
        var tensors = new QdqQuantizer(QuantizationRecipe.defaults()).tensorsToCalibrate(cnn());
        assertThat(tensors).contains("x", "r1", "r2", "a", "hr").doesNotContain("c1", "c2", "h", "p1", "f", "y");
    }

    @Test
    void foldsReluAndClipQuantizesEverythingAndFusesIntoInt8Kernels() throws Exception {
        ModelProto fp32 = cnn();
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples());
        ModelProto int8 = outcome.model();

        assertThat(count(int8, "Relu")).isZero();
        assertThat(count(int8, "Clip")).isZero();
        assertThat(decision(outcome, "relu1").reason()).contains("folded into 'conv1'");
        assertThat(decision(outcome, "clip2").reason()).contains("folded into 'conv2'");
        assertThat(outcome.nodes()).allMatch(NodeDecision::quantized);
        // Q/DQ on x, r1 (shared by p1), r2, a (shared by g? no: GAP has its own), g, f shares g, hr; gemm2's output float
        assertThat(count(int8, "QuantizeLinear")).isEqualTo(count(int8, "DequantizeLinear") - 8);

        Map<String, Double> cosines = QuantizeTestSupport.cosines(fp32, int8,
                Map.of("x", Input.random(999, -1f, 1f, 3, 3, 8, 8)));
        assertThat(cosines.get("y")).isGreaterThan(0.995);

        FusionCheck.Result fusion = QuantizeTestSupport.fusion(int8, dir);
        assertThat(fusion.unfusedNodes()).isEmpty();
        assertThat(fusion.count("QLinearConv")).isEqualTo(2);
        assertThat(fusion.count("QLinearAdd")).isEqualTo(1);
        assertThat(fusion.count("QLinearGlobalAveragePool")).isEqualTo(1);
        assertThat(fusion.count("QGemm")).isEqualTo(2);
    }

    @Test
    void biasIsInt32WithTheProductOfInputAndWeightScalesPerChannel() throws Exception {
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(cnn(), QuantizationRecipe.defaults(), samples());
        QuantizedTensor input = tensor(outcome, "x");
        QuantizedTensor weight = tensor(outcome, "w1");
        QuantizedTensor bias = tensor(outcome, "b1");

        assertThat(weight.elementType()).isEqualTo("int8");
        assertThat(weight.axis()).isZero();
        assertThat(weight.scales()).hasSize(8);
        assertThat(weight.zeroPoints()).containsOnly(0);
        assertThat(bias.elementType()).isEqualTo("int32");
        for (int c = 0; c < 8; c++) {
            assertThat(bias.scales()[c]).isCloseTo(input.scales()[0] * weight.scales()[c],
                    org.assertj.core.data.Percentage.withPercentage(1e-4));
        }
        assertThat(tensor(outcome, "wg1").axis()).isZero();
        assertThat(tensor(outcome, "wg2").axis()).isEqualTo(1);
        assertThat(input.elementType()).isEqualTo("uint8");
    }

    @Test
    void perTensorAndInt8ActivationRecipesAreHonoured() throws Exception {
        QuantizationRecipe recipe = QuantizeTestSupport.recipe(false, QuantizationRecipe.QuantType.INT8, null, null);
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(cnn(), recipe, samples());

        assertThat(tensor(outcome, "w1").axis()).isNull();
        assertThat(tensor(outcome, "w1").scales()).hasSize(1);
        assertThat(tensor(outcome, "x").elementType()).isEqualTo("int8");
        assertThat(outcome.model().getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("DequantizeLinear"))
                .allMatch(n -> n.getAttributeCount() == 0);
        Map<String, Double> cosines = QuantizeTestSupport.cosines(cnn(), outcome.model(),
                Map.of("x", Input.random(998, -1f, 1f, 1, 3, 8, 8)));
        assertThat(cosines.get("y")).isGreaterThan(0.99);
    }

    @Test
    void includeListsLimitQuantizationToTheNamedNodesAndOpTypes() throws Exception {
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null, null,
                List.of("gemm1"), null, List.of("gemm1", "gemm2"), List.of("Conv")).withDefaults();
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(cnn(), recipe, samples());

        assertThat(decision(outcome, "conv1").quantized()).isTrue();
        assertThat(decision(outcome, "conv2").quantized()).isTrue();
        assertThat(decision(outcome, "gemm2").quantized()).isTrue();
        // named in an include list and in an exclude list: the exclusion wins
        assertThat(decision(outcome, "gemm1")).extracting(NodeDecision::quantized, NodeDecision::reason)
                .containsExactly(false, "excluded by the recipe");
        assertThat(outcome.nodes()).filteredOn(d -> !List.of("conv1", "conv2", "gemm1", "gemm2").contains(d.nodeName()))
                .filteredOn(d -> d.reason() != null && d.reason().contains("include"))
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.quantized()).isFalse());
        assertThat(QuantizeTestSupport.cosines(cnn(), outcome.model(),
                Map.of("x", Input.random(996, -1f, 1f, 1, 3, 8, 8))).get("y")).isGreaterThan(0.995);
    }

    @Test
    void excludedNodesAndOpTypesStayFloat() throws Exception {
        QuantizationRecipe recipe = QuantizeTestSupport.recipe(null, null, List.of("conv2"), List.of("Gemm"));
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(cnn(), recipe, samples());

        assertThat(decision(outcome, "conv2")).extracting(NodeDecision::quantized, NodeDecision::reason)
                .containsExactly(false, "excluded by the recipe");
        assertThat(decision(outcome, "gemm1").quantized()).isFalse();
        assertThat(decision(outcome, "gemm2").quantized()).isFalse();
        assertThat(decision(outcome, "conv1").quantized()).isTrue();
        assertThat(outcome.tensors()).extracting(QuantizedTensor::name).doesNotContain("w2", "wg1", "wg2", "b2");
        // conv2 is not quantized, so clip2 has nothing to fold into and stays a node
        assertThat(count(outcome.model(), "Clip")).isEqualTo(1);
        assertThat(QuantizeTestSupport.cosines(cnn(), outcome.model(),
                Map.of("x", Input.random(997, -1f, 1f, 1, 3, 8, 8))).get("y")).isGreaterThan(0.995);
    }

    private static QuantizedTensor tensor(QuantizationOutcome outcome, String name) {
        return outcome.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
