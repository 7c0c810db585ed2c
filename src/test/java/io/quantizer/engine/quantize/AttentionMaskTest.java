package io.quantizer.engine.quantize;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static io.quantizer.engine.quantize.QuantizeTestSupport.decision;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Attention masks written as huge negative constants: one 8-bit scale for the masked scores would cover the
 * sentinel and crush every real score into one step, and the Softmax would turn uniform. The masking op and its
 * Softmax stay float; the projections around them are still quantized.
 */
public class AttentionMaskTest {

    private static final int T = 8;
    private static final int D = 16;

    /** Q·Kᵀ/√d, masked causally by {@code how} ("add": + a [T, T] constant; "where": Where(cond, s, value)). */
    public static ModelProto causalAttention(String how, float maskValue) {
        float[] additive = new float[T * T];
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < T; i++) {
            for (int j = 0; j < T; j++) {
                additive[i * T + j] = j > i ? maskValue : 0f;
                keep.add(j <= i ? 1 : 0);
            }
        }
        ModelBuilder b = projections()
                .floats("scale", new long[0], new float[] {(float) (1 / Math.sqrt(D))})
                .node("scores", "MatMul", names("q", "kt"), names("s"))
                .node("scaled", "Mul", names("s", "scale"), names("ss"));
        if (how.equals("add")) {
            b.floats("mask", new long[] {T, T}, additive).node("masking", "Add", names("ss", "mask"), names("masked"));
        } else {
            b.graph().addInitializer(TensorProto.newBuilder().setName("keep").setDataType(TensorProto.DataType.BOOL_VALUE)
                    .addDims(T).addDims(T).addAllInt32Data(keep));
            b.floats("masked_value", new long[0], new float[] {maskValue})
                    .node("masking", "Where", names("keep", "ss", "masked_value"), names("masked"));
        }
        return attend(b).build();
    }

    /**
     * Padded-BERT-like: the mask is a graph input of ones and zeros, turned into {@code (1 - mask) · -10000} and
     * added to the scores of every query.
     */
    public static ModelProto paddedAttention() {
        ModelBuilder b = projections().input("attention_mask", -1, 1, T)
                .floats("scale", new long[0], new float[] {(float) (1 / Math.sqrt(D))})
                .floats("one", new long[0], new float[] {1f}).floats("big", new long[0], new float[] {-10000f})
                .node("scores", "MatMul", names("q", "kt"), names("s"))
                .node("scaled", "Mul", names("s", "scale"), names("ss"))
                .node("invert", "Sub", names("one", "attention_mask"), names("inverted"))
                .node("extend", "Mul", names("inverted", "big"), names("extended"))
                .node("masking", "Add", names("ss", "extended"), names("masked"));
        return attend(b).build();
    }

    /** x [1, T, D] -> q, kᵀ, v: three quantizable projections. */
    private static ModelBuilder projections() {
        return new ModelBuilder().input("x", -1, T, D).output("y")
                .random("wq", 1, 0.5f, D, D).random("wk", 2, 0.5f, D, D).random("wv", 3, 0.5f, D, D)
                .random("wo", 4, 0.5f, D, D)
                .node("proj_q", "MatMul", names("x", "wq"), names("q"))
                .node("proj_k", "MatMul", names("x", "wk"), names("k"))
                .node("proj_v", "MatMul", names("x", "wv"), names("v"))
                .node("transpose_k", "Transpose", names("k"), names("kt"), Attributes.ofInts("perm", List.of(0L, 2L, 1L)));
    }

    /** Softmax over the keys, ·V, output projection. */
    private static ModelBuilder attend(ModelBuilder b) {
        return b.node("softmax", "Softmax", names("masked"), names("p"), Attributes.ofInt("axis", -1))
                .node("context", "MatMul", names("p", "v"), names("o"))
                .node("proj_o", "MatMul", names("o", "wo"), names("y"));
    }

    private static List<Map<String, Input>> samples(boolean padded) {
        List<Map<String, Input>> samples = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Input x = Input.random(200 + i, -2f, 2f, 1, T, D);
            if (padded) {
                float[] mask = new float[T];
                for (int j = 0; j < T; j++) {
                    mask[j] = j < T - 1 - i % 3 ? 1f : 0f; // one to three padded positions
                }
                samples.add(Map.of("x", x, "attention_mask", new Input(new long[] {1, 1, T}, mask)));
            } else {
                samples.add(Map.of("x", x));
            }
        }
        return samples;
    }

    @ParameterizedTest
    @CsvSource({"add, -1e9", "add, -3.4028235e38", "add, -1e4", "where, -1e9", "where, -3.4028235e38",
            "where, -1e4", "where, -Infinity"})
    void causalMasksKeepTheMaskAndItsSoftmaxInFloat(String how, float maskValue) throws Exception {
        ModelProto fp32 = causalAttention(how, maskValue);
        List<Map<String, Input>> samples = samples(false);
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples);

        assertThat(decision(outcome, "softmax").quantized()).isFalse();
        assertThat(decision(outcome, "softmax").reason()).contains("left in float");
        assertThat(decision(outcome, "masking").quantized()).isFalse();
        assertThat(decision(outcome, "proj_q").quantized()).isTrue();
        assertThat(decision(outcome, "context").quantized()).isTrue();
        assertFaithful(fp32, outcome, samples.get(0));
    }

    @Test
    void aPaddingMaskFromAnInputIsTreatedTheSame() throws Exception {
        ModelProto fp32 = paddedAttention();
        List<Map<String, Input>> samples = samples(true);
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples);

        assertThat(decision(outcome, "masking").quantized()).isFalse();
        assertThat(decision(outcome, "softmax").reason()).contains("'extended' reaches -1.000e+04");
        assertThat(decision(outcome, "proj_v").quantized()).isTrue();
        assertFaithful(fp32, outcome, samples.get(1));
    }

    @Test
    void anAddWithoutAMaskStillFeedsAQuantizedSoftmax() throws Exception {
        // the same graph with a mask of small values: nothing dwarfs the scores, the Softmax is quantized
        ModelProto fp32 = causalAttention("add", -0.5f);
        List<Map<String, Input>> samples = samples(false);
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples);
        assertThat(decision(outcome, "softmax").quantized()).isTrue();
    }

    private static void assertFaithful(ModelProto fp32, QuantizationOutcome outcome, Map<String, Input> sample)
            throws Exception {
        for (QuantizedTensor t : outcome.tensors()) {
            for (float s : t.scales()) {
                assertThat(s).as("scale of " + t.name()).isFinite().isLessThan(1f);
            }
        }
        double cosine = QuantizeTestSupport.cosines(fp32, outcome.model(), sample).get("y");
        assertThat(cosine).isGreaterThanOrEqualTo(0.99);
    }
}
