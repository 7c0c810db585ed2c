package io.quantizer.engine.quantize;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static io.quantizer.engine.quantize.QuantizeTestSupport.count;
import static io.quantizer.engine.quantize.QuantizeTestSupport.decision;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OrtTestRunner;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.QuantType;

/**
 * Recipe options and graph shapes that used to produce a model that loads, runs and is quietly wrong: each test
 * checks the structural fix and the fp32-vs-int8 agreement in ONNX Runtime.
 */
class SilentWreckTest {

    private static QuantizationRecipe symmetric(QuantType activations) {
        return new QuantizationRecipe(null, null, activations, null, null, true, null, null, null).withDefaults();
    }

    private static List<Map<String, Input>> samples() {
        return QuantizeTestSupport.samples("x", 6, -3f, 3f, 1, 4, 6, 6);
    }

    /** conv -> {@code activation} -> conv, the activation a Relu or a Clip(lo, hi). */
    private static ModelProto convActivationConv(String activation, float lo, float hi) {
        ModelBuilder b = new ModelBuilder().input("x", 1, 4, 6, 6).output("y")
                .random("w1", 51, 1.2f, 4, 4, 1, 1).random("w2", 52, 0.6f, 4, 4, 1, 1)
                .floats("lo", new long[0], new float[] {lo}).floats("hi", new long[0], new float[] {hi})
                .node("conv1", "Conv", names("x", "w1"), names("c"));
        b = activation.equals("Relu") ? b.node("act", "Relu", names("c"), names("a"))
                : b.node("act", "Clip", names("c", "lo", "hi"), names("a"));
        return b.node("conv2", "Conv", names("a", "w2"), names("y")).build();
    }

    @Test
    void symmetricActivationsKeepTheRelu() throws Exception {
        ModelProto fp32 = convActivationConv("Relu", 0, 0);
        for (QuantType type : List.of(QuantType.UINT8, QuantType.INT8)) { // uint16 is the npu-a16w8 target's own
            QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, symmetric(type), samples());
            assertThat(count(outcome.model(), "Relu")).as(type.name()).isEqualTo(1);
            assertThat(decision(outcome, "act").reason()).contains("symmetric activations");
            assertAccurate(fp32, outcome.model(), 0.99);
            float[] relu = OrtTestRunner.run(exposing(outcome.model(), "a"), samples().get(0)).get("a");
            assertThat(min(relu)).as("Relu output of the %s model", type).isGreaterThanOrEqualTo(0f);
        }
    }

    @Test
    void asymmetricActivationsOfEitherTypeStillFoldTheReluAndClamp() throws Exception {
        ModelProto fp32 = convActivationConv("Relu", 0, 0);
        for (QuantType type : List.of(QuantType.UINT8, QuantType.INT8)) { // uint16 is the npu-a16w8 target's own
            QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32,
                    QuantizeTestSupport.recipe(null, type, null, null), samples());
            assertThat(count(outcome.model(), "Relu")).as(type.name()).isZero();
            assertThat(decision(outcome, "act").reason()).contains("folded");
            float[] folded = OrtTestRunner.run(exposing(outcome.model(), "a"), samples().get(0)).get("a");
            assertThat(min(folded)).as("clamped by the %s QuantizeLinear", type).isGreaterThanOrEqualTo(0f);
            assertAccurate(fp32, outcome.model(), 0.99);
        }
    }

    @Test
    void symmetricClipIsFoldedOnlyWhereItsRangeReallyClamps() throws Exception {
        // Clip(-1, 1) under symmetric activations: the symmetric grid reaches -128·s < -1, so the node stays
        ModelProto fp32 = convActivationConv("Clip", -1f, 1f);
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, symmetric(QuantType.UINT8), samples());
        assertThat(count(outcome.model(), "Clip")).isEqualTo(1);
        float[] clipped = OrtTestRunner.run(exposing(outcome.model(), "a"), samples().get(0)).get("a");
        assertThat(min(clipped)).isGreaterThanOrEqualTo(-1f);
        assertAccurate(fp32, outcome.model(), 0.99);
    }

    @Test
    void paddingNeverWidensATensorSomethingElseReads() throws Exception {
        // conv1 narrows 4 -> 3 channels into 't', a graph output that conv2 (3 input channels) also reads
        ModelProto fp32 = new ModelBuilder().input("x", 1, 4, 8, 8).output("t", 1, 3, 8, 8).output("y", 1, 2, 8, 8)
                .random("w1", 61, 0.7f, 3, 4, 1, 1).random("w2", 62, 0.7f, 2, 3, 1, 1)
                .node("conv1", "Conv", names("x", "w1"), names("t"))
                .node("conv2", "Conv", names("t", "w2"), names("y"))
                .build();
        List<Map<String, Input>> samples = QuantizeTestSupport.samples("x", 4, -2f, 2f, 1, 4, 8, 8);
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples);

        assertThat(count(outcome.model(), "Pad")).isZero();
        Map<String, float[]> out = OrtTestRunner.run(outcome.model(), samples.get(0));
        assertThat(out.get("t")).hasSize(3 * 8 * 8);
        assertThat(out.get("y")).hasSize(2 * 8 * 8);
        assertAccurate(fp32, outcome.model(), 0.99, samples.get(1));
    }

    @Test
    void aWeightSharedWithAFloatReaderStaysFloatForIt() throws Exception {
        // tied embedding: 'table' is the MatMul's weight (quantized) and the data of a Gather (float)
        ModelProto fp32 = new ModelBuilder().input("x", 2, 8).output("y").output("embedded")
                .random("table", 71, 1f, 8, 8).int64s("ids", 3, 0, 5)
                .node("matmul", "MatMul", names("x", "table"), names("h"))
                .node("relu", "Relu", names("h"), names("y"))
                .node("gather", "Gather", names("table", "ids"), names("embedded"))
                .build();
        List<Map<String, Input>> samples = QuantizeTestSupport.samples("x", 4, -1f, 1f, 2, 8);
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples);
        ModelProto int8 = outcome.model();

        assertThat(decision(outcome, "matmul").quantized()).isTrue();
        NodeProto gather = node(int8, "gather");
        NodeProto matmul = node(int8, "matmul");
        assertThat(gather.getInput(0)).isEqualTo("table");
        TensorProto table = int8.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("table"))
                .findFirst().orElseThrow();
        assertThat(table.getDataType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE);
        assertThat(matmul.getInput(1)).isNotEqualTo("table");
        assertThat(QuantizeTestSupport.producerOf(int8, matmul.getInput(1)).getOpType()).isEqualTo("DequantizeLinear");
        Map<String, float[]> expected = OrtTestRunner.run(fp32, samples.get(0));
        Map<String, float[]> actual = OrtTestRunner.run(int8, samples.get(0));
        assertThat(actual.get("embedded")).as("the float reader reads the exact weight").isEqualTo(
                expected.get("embedded"));
        assertThat(OrtTestRunner.cosine(expected.get("y"), actual.get("y"))).isGreaterThan(0.99);
    }

    @Test
    void nonFiniteConstantsStayFloatAndNoScaleIsInfinite() throws Exception {
        // conv1 -> Add(mask with -inf at odd columns) -> MaxPool 2x2 (each window keeps a finite value) -> conv2,
        // plus a conv whose weight holds NaN and one whose bias holds values near FLT_MAX
        float[] mask = new float[6 * 6];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % 2 == 1 ? Float.NEGATIVE_INFINITY : 0f;
        }
        float[] nanWeight = TensorData.floats(new ModelBuilder().random("n", 81, 1f, 4, 4, 1, 1).build().getGraph()
                .getInitializer(0));
        nanWeight[5] = Float.NaN;
        float[] hugeBias = {0f, -Float.MAX_VALUE, 1f, 2f};
        ModelProto fp32 = new ModelBuilder().input("x", 1, 4, 6, 6).output("y").output("z").output("u")
                .random("w1", 82, 0.8f, 4, 4, 1, 1).random("w2", 83, 0.8f, 4, 4, 1, 1)
                .floats("mask", new long[] {1, 1, 6, 6}, mask).floats("w_nan", new long[] {4, 4, 1, 1}, nanWeight)
                .floats("b_huge", new long[] {4}, hugeBias)
                .node("conv1", "Conv", names("x", "w1"), names("c"))
                .node("masking", "Add", names("c", "mask"), names("m"))
                .node("pool", "MaxPool", names("m"), names("p"), Attributes.ofInts("kernel_shape", List.of(2L, 2L)),
                        Attributes.ofInts("strides", List.of(2L, 2L)))
                .node("conv2", "Conv", names("p", "w2"), names("y"))
                .node("conv_nan", "Conv", names("c", "w_nan"), names("z"))
                .node("conv_huge", "Conv", names("c", "w2", "b_huge"), names("u"))
                .build();
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples());

        assertThat(decision(outcome, "pool").quantized()).isFalse();
        assertThat(decision(outcome, "pool").reason()).contains("'mask'").contains("infinite");
        assertThat(decision(outcome, "conv_nan").quantized()).isFalse();
        assertThat(decision(outcome, "conv_nan").reason()).contains("NaN");
        assertThat(decision(outcome, "conv_huge").quantized()).isFalse();
        assertThat(decision(outcome, "conv_huge").reason()).contains("FLT_MAX");
        assertThat(decision(outcome, "conv1").quantized()).isTrue();
        assertThat(decision(outcome, "conv2").quantized()).isTrue();
        for (QuantizedTensor t : outcome.tensors()) {
            for (float s : t.scales()) {
                assertThat(s).as("scale of " + t.name()).isFinite();
            }
        }
        Map<String, Double> cosines = QuantizeTestSupport.cosines(fp32, outcome.model(), samples().get(2));
        assertThat(cosines.get("y")).isGreaterThan(0.99);
    }

    @Test
    void perTensorWeightsOnAWidelySpreadDepthwiseConvSaySo() throws Exception {
        float[] weights = new float[4 * 9];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) Math.sin(i + 1) * (i < 9 ? 1f : 0.01f); // channel 0 is 100× the others
        }
        ModelProto fp32 = new ModelBuilder().input("x", 1, 4, 6, 6).output("y")
                .random("w1", 91, 0.8f, 4, 4, 1, 1).floats("dw", new long[] {4, 1, 3, 3}, weights)
                .node("conv1", "Conv", names("x", "w1"), names("c"))
                .node("depthwise", "Conv", names("c", "dw"), names("y"), Attributes.ofInt("group", 4))
                .build();
        QuantizationOutcome perTensor = QuantizeTestSupport.quantize(fp32,
                QuantizeTestSupport.recipe(false, null, null, null), samples());
        assertThat(decision(perTensor, "depthwise").reason()).contains("depthwise").contains("perChannel true");
        assertThat(decision(perTensor, "conv1").reason()).doesNotContain("depthwise");

        QuantizationOutcome perChannel = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples());
        assertThat(decision(perChannel, "depthwise").reason()).isEqualTo("int8 per-channel weights");
    }

    private static NodeProto node(ModelProto model, String name) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    /** The model with {@code tensor} also exposed as a graph output. */
    static ModelProto exposing(ModelProto model, String tensor) {
        ModelProto.Builder b = model.toBuilder();
        b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        return b.build();
    }

    private static float min(float[] values) {
        float m = Float.MAX_VALUE;
        for (float v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static void assertAccurate(ModelProto fp32, ModelProto int8, double cosine) throws Exception {
        assertAccurate(fp32, int8, cosine, Map.of("x", Input.random(77, -3f, 3f, 1, 4, 6, 6)));
    }

    private static void assertAccurate(ModelProto fp32, ModelProto int8, double cosine, Map<String, Input> sample)
            throws Exception {
        Map<String, Double> cosines = QuantizeTestSupport.cosines(fp32, int8, sample);
        assertThat(cosines).allSatisfy((name, c) -> assertThat(c).as(name).isGreaterThan(cosine));
    }
}
