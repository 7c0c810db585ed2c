package io.quantizer.engine.quantize;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static io.quantizer.engine.quantize.QuantizeTestSupport.count;
import static io.quantizer.engine.quantize.QuantizeTestSupport.decision;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OrtTestRunner;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;
import org.junit.jupiter.api.Test;

/**
 * A Clip may be deleted only when the op before it quantizes its own output with the Clip's range. Deleting the
 * Clip of a hardswish {@code x * clip(x + 3, 0, 6) / 6} whose Add is not quantized into it removes the clamp.
 */
class ActivationFoldingTrapTest {

    /** conv -> hardswish (Add with a constant 3, Clip 0..6, Mul, Div) -> conv. */
    static ModelProto hardswish(float clipMin) {
        return new ModelBuilder().input("x", 1, 4, 6, 6).output("y")
                .random("w1", 11, 0.8f, 4, 4, 1, 1).random("w2", 12, 0.5f, 4, 4, 1, 1)
                .floats("three", new long[0], new float[] {3f}).floats("six", new long[0], new float[] {6f})
                .floats("lo", new long[0], new float[] {clipMin})
                .node("conv1", "Conv", names("x", "w1"), names("c"))
                .node("add3", "Add", names("c", "three"), names("s"))
                .node("clip", "Clip", names("s", "lo", "six"), names("k"))
                .node("mul", "Mul", names("c", "k"), names("m"))
                .node("div", "Div", names("m", "six"), names("h"))
                .node("conv2", "Conv", names("h", "w2"), names("y"))
                .build();
    }

    private static List<Map<String, Input>> samples() {
        return QuantizeTestSupport.samples("x", 6, -3f, 3f, 1, 4, 6, 6);
    }

    @Test
    void hardswishClipStaysWhenItsAddIsNotQuantizedIntoIt() throws Exception {
        ModelProto fp32 = hardswish(0f);
        // the Add of a constant is quantized by default now; the recipe keeps it float to set the trap
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32,
                QuantizeTestSupport.recipe(null, null, List.of("add3"), null), samples());

        assertThat(decision(outcome, "add3").quantized()).isFalse();
        assertThat(decision(outcome, "clip").reason()).doesNotContain("folded");
        assertThat(count(outcome.model(), "Clip")).isEqualTo(1);
        assertAccurate(fp32, outcome.model());

        QuantizationOutcome quantizedAdd = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples());
        assertThat(decision(quantizedAdd, "add3").quantized()).isTrue();
        assertThat(decision(quantizedAdd, "clip").reason()).contains("folded into 'add3'");
        assertThat(count(quantizedAdd.model(), "Clip")).isZero();
        assertAccurate(fp32, quantizedAdd.model());
    }

    @Test
    void clipIsKeptWhenItsProducerIsExcluded() throws Exception {
        // conv -> clip(0, 6): folding is right, unless the recipe keeps the conv in float
        ModelProto fp32 = new ModelBuilder().input("x", 1, 4, 6, 6).output("y")
                .random("w1", 21, 1.5f, 4, 4, 1, 1)
                .floats("zero", new long[0], new float[] {0f}).floats("six", new long[0], new float[] {6f})
                .node("conv1", "Conv", names("x", "w1"), names("c"))
                .node("clip", "Clip", names("c", "zero", "six"), names("y"))
                .build();
        QuantizationOutcome folded = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples());
        assertThat(count(folded.model(), "Clip")).isZero();
        assertAccurate(fp32, folded.model());

        QuantizationOutcome excluded = QuantizeTestSupport.quantize(fp32,
                QuantizeTestSupport.recipe(null, null, List.of("conv1"), null), samples());
        assertThat(count(excluded.model(), "Clip")).isEqualTo(1);
        assertAccurate(fp32, excluded.model());
    }

    @Test
    void clipWhoseRangeExcludesZeroIsNeverFolded() throws Exception {
        ModelProto fp32 = new ModelBuilder().input("x", 1, 4, 6, 6).output("y")
                .random("w1", 31, 1.5f, 4, 4, 1, 1)
                .floats("lo", new long[0], new float[] {1f}).floats("six", new long[0], new float[] {6f})
                .node("conv1", "Conv", names("x", "w1"), names("c"))
                .node("clip", "Clip", names("c", "lo", "six"), names("y"))
                .build();
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples());
        assertThat(count(outcome.model(), "Clip")).isEqualTo(1);
        float[] out = OrtTestRunner.run(outcome.model(), samples().get(0)).get("y");
        for (float v : out) {
            assertThat(v).isBetween(1f - 0.0125f, 6.0125f); // half a step of 6/255
        }
    }

    @Test
    void reluWhoseInputHasASecondReaderIsNotFolded() throws Exception {
        ModelProto fp32 = new ModelBuilder().input("x", 1, 4, 6, 6).output("y").output("c")
                .random("w1", 41, 1f, 4, 4, 1, 1)
                .node("conv1", "Conv", names("x", "w1"), names("c"))
                .node("relu", "Relu", names("c"), names("y"))
                .build();
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(), samples());
        assertThat(count(outcome.model(), "Relu")).isEqualTo(1);
        Map<String, float[]> out = OrtTestRunner.run(outcome.model(), samples().get(1));
        assertThat(out.get("c")).satisfiesAnyOf(c -> assertThat(min(c)).isLessThan(0f));
        assertAccurate(fp32, outcome.model());
    }

    private static float min(float[] values) {
        float m = Float.MAX_VALUE;
        for (float v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static void assertAccurate(ModelProto fp32, ModelProto int8) throws Exception {
        Map<String, Double> cosines = QuantizeTestSupport.cosines(fp32, int8,
                Map.of("x", Input.random(77, -3f, 3f, 1, 4, 6, 6)));
        assertThat(cosines.values()).allMatch(c -> c > 0.99);
    }
}
