package io.quantizer.engine.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.TestData;
import io.quantizer.engine.TinyModels;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Calibration;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;

class CalibrationRunnerTest {

    private static final Set<String> DENSE_TENSORS = Set.of("x", "xw", "xwb", "y");
    private static final int SAMPLES = 50;

    @TempDir
    Path dir;

    @Test
    void minMaxRangesMatchTheActivationsComputedByHand() throws Exception {
        float[] x = TestData.uniform(new Random(3), SAMPLES * 4, -1f, 1f);
        Path data = new TestData().floats("x", x, SAMPLES, 4).write(dir.resolve("d.npz"));
        List<Double> progress = new ArrayList<>();

        CalibrationResult result = new CalibrationRunner(recipe(CalibrationMethod.MINMAX, null))
                .run(TinyModels.dense(-1), DENSE_TENSORS, data, progress::add);

        assertRanges(result.ranges(), expectedRanges(TinyModels.dense(-1), x, SAMPLES));
        assertThat(result.sampleCount()).isEqualTo(SAMPLES);
        assertThat(result.batchSize()).isEqualTo(CalibrationRunner.MAX_BATCH);
        assertThat(result.statistics().get("xw").valueCount()).isEqualTo(SAMPLES * 3);
        assertThat(progress).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void histogramPathFetchesTheSameActivations() throws Exception {
        float[] x = TestData.uniform(new Random(4), SAMPLES * 4, -1f, 1f);
        Path data = new TestData().floats("x", x, SAMPLES, 4).write(dir.resolve("d.npz"));

        // percentile 100 keeps the full range: it must agree with the exact extremes, through pinned outputs
        // (probe of 1, then batches of 32) and a short last batch of 17 that runs with copies
        CalibrationResult result = new CalibrationRunner(recipe(CalibrationMethod.PERCENTILE, 100.0))
                .run(TinyModels.dense(-1), DENSE_TENSORS, data, p -> { });

        assertRanges(result.ranges(), expectedRanges(TinyModels.dense(-1), x, SAMPLES));
        assertThat(result.statistics().get("y").valueCount()).isEqualTo(SAMPLES * 3);
        assertThat(result.statistics().get("y").method()).isEqualTo("percentile");
    }

    @Test
    void fixedBatchOneModelsAreFedOneSampleAtATime() throws Exception {
        float[] x = TestData.uniform(new Random(5), SAMPLES * 4, -2f, 1f);
        Path data = new TestData().floats("x", x, SAMPLES, 4).write(dir.resolve("d.npz"));
        for (CalibrationMethod method : List.of(CalibrationMethod.MINMAX, CalibrationMethod.PERCENTILE)) {
            CalibrationResult result = new CalibrationRunner(recipe(method, 100.0))
                    .run(TinyModels.dense(1), DENSE_TENSORS, data, p -> { });
            assertThat(result.batchSize()).isEqualTo(1);
            assertRanges(result.ranges(), expectedRanges(TinyModels.dense(1), x, SAMPLES));
        }
    }

    @Test
    void maxSamplesLimitsTheCalibrationSet() throws Exception {
        float[] x = TestData.uniform(new Random(6), SAMPLES * 4, -1f, 1f);
        x[SAMPLES * 4 - 1] = 100f; // only in the last sample, which is left out
        Path data = new TestData().floats("x", x, SAMPLES, 4).write(dir.resolve("d.npz"));
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(CalibrationMethod.MINMAX, null, 10, null, null), null, null);

        CalibrationResult result = new CalibrationRunner(recipe).run(TinyModels.dense(-1), DENSE_TENSORS, data, p -> { });

        assertThat(result.sampleCount()).isEqualTo(10);
        assertRanges(result.ranges(), expectedRanges(TinyModels.dense(-1), x, 10));
    }

    @Test
    void multiInputModelsTakeArraysByNameAndIgnoreLabels() throws Exception {
        Random random = new Random(8);
        float[] a = TestData.uniform(random, 30, -1f, 0f);
        float[] b = TestData.uniform(random, 30, 0f, 3f);
        Path data = new TestData().longs("label", new long[10], 10).floats("b", b, 10, 3).floats("a", a, 10, 3)
                .write(dir.resolve("d.npz"));

        CalibrationResult result = new CalibrationRunner(recipe(CalibrationMethod.MINMAX, null))
                .run(TinyModels.twoInputs(), Set.of("a", "b", "out"), data, p -> { });

        assertThat(result.ranges().get("a")).isEqualTo(new TensorRange(min(a), max(a)));
        assertThat(result.ranges().get("b")).isEqualTo(new TensorRange(min(b), max(b)));
        float[] out = new float[30];
        for (int i = 0; i < 30; i++) {
            out[i] = a[i] + 2 * b[i];
        }
        assertThat(result.ranges().get("out").min()).isCloseTo(min(out), within(1e-5f));
        assertThat(result.ranges().get("out").max()).isCloseTo(max(out), within(1e-5f));
    }

    @Test
    void aSingleInputModelTakesTheOnlyFeatureArrayWhateverItsName() throws Exception {
        float[] x = TestData.uniform(new Random(9), 20 * 4, -1f, 1f);
        Path data = new TestData().floats("features", x, 20, 4).longs("y", new long[20], 20)
                .write(dir.resolve("d.npz"));
        CalibrationResult result = new CalibrationRunner(recipe(CalibrationMethod.MINMAX, null))
                .run(TinyModels.dense(-1), Set.of("x"), data, p -> { });
        assertThat(result.ranges().get("x")).isEqualTo(new TensorRange(min(x), max(x)));
    }

    @Test
    void dataThatDoesNotFitTheModelIsAnInputError() throws Exception {
        Path wrongShape = new TestData().floats("x", new float[10 * 5], 10, 5).write(dir.resolve("w.npz"));
        assertThatThrownBy(() -> new CalibrationRunner(QuantizationRecipe.defaults())
                .run(TinyModels.dense(-1), DENSE_TENSORS, wrongShape, p -> { }))
                .isInstanceOf(EngineInputException.class)
                .hasMessageContaining("'x'").hasMessageContaining("dimension 1");

        Path missing = new TestData().floats("a", new float[30], 10, 3).write(dir.resolve("m.npz"));
        assertThatThrownBy(() -> new CalibrationRunner(QuantizationRecipe.defaults())
                .run(TinyModels.twoInputs(), Set.of("out"), missing, p -> { }))
                .isInstanceOf(EngineInputException.class)
                .hasMessageContaining("model input 'b'");
    }

    @Test
    void tensorsOutsideTheMainGraphAreRefused() {
        assertThatThrownBy(() -> new CalibrationRunner(QuantizationRecipe.defaults())
                .run(TinyModels.dense(-1), Set.of("nowhere"), dir.resolve("unused.npz"), p -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nowhere");
    }

    static QuantizationRecipe recipe(CalibrationMethod method, Double percentile) {
        return new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(method, percentile, null, null, null), null, null);
    }

    private static void assertRanges(Map<String, TensorRange> actual, Map<String, TensorRange> expected) {
        assertThat(actual).containsOnlyKeys(expected.keySet());
        expected.forEach((name, range) -> {
            assertThat(actual.get(name).min()).as(name + " min").isCloseTo(range.min(), within(1e-5f));
            assertThat(actual.get(name).max()).as(name + " max").isCloseTo(range.max(), within(1e-5f));
        });
    }

    /** x, x·W, x·W + b and relu of it, over the first {@code samples} rows, computed in Java. */
    private static Map<String, TensorRange> expectedRanges(ModelProto model, float[] x, int samples) {
        float[] w = initializer(model, "W");
        float[] b = initializer(model, "b");
        float[] xw = new float[samples * 3];
        float[] xwb = new float[samples * 3];
        float[] y = new float[samples * 3];
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < 3; j++) {
                float acc = 0;
                for (int k = 0; k < 4; k++) {
                    acc += x[s * 4 + k] * w[k * 3 + j];
                }
                xw[s * 3 + j] = acc;
                xwb[s * 3 + j] = acc + b[j];
                y[s * 3 + j] = Math.max(0, acc + b[j]);
            }
        }
        float[] xs = java.util.Arrays.copyOf(x, samples * 4);
        return Map.of("x", new TensorRange(min(xs), max(xs)), "xw", new TensorRange(min(xw), max(xw)),
                "xwb", new TensorRange(min(xwb), max(xwb)), "y", new TensorRange(min(y), max(y)));
    }

    private static float[] initializer(ModelProto model, String name) {
        TensorProto t = model.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name))
                .findFirst().orElseThrow();
        float[] v = new float[t.getFloatDataCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getFloatData(i);
        }
        return v;
    }

    static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float f : v) {
            m = Math.min(m, f);
        }
        return m;
    }

    static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            m = Math.max(m, f);
        }
        return m;
    }
}
