package io.quantizer.engine.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Calibration;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;

class CalibratorsTest {

    private static final List<Supplier<Calibrator>> ALL = List.of(
            MinMaxCalibrator::new,
            () -> new MinMaxCalibrator(true, 0.1),
            () -> new PercentileCalibrator(99.99),
            () -> new EntropyCalibrator(false),
            () -> new MseCalibrator(false));

    @Test
    void entropyClipsAtMostOnePercentOfTheNonZeroValuesOfASparseTensor() {
        // a ReLU output: 80 % zeros; the signal is U(0, 1) with 3 % of it in a far mode around 10, which KL would
        // rather fold into the last kept bin than resolve
        Random random = new Random(5);
        float[] x = new float[1_000_000];
        long nonZero = 0;
        for (int i = 0; i < x.length; i++) {
            if (random.nextDouble() < 0.8) {
                continue;
            }
            x[i] = (float) (random.nextDouble() < 0.03 ? 10 + 0.5 * random.nextGaussian() : random.nextDouble());
            nonZero++;
        }
        EntropyCalibrator c = new EntropyCalibrator(false);
        c.update(FloatBuffer.wrap(x));
        double clippedOfSignal = c.statistics().clippedFraction() * x.length / nonZero;
        assertThat(clippedOfSignal).isLessThanOrEqualTo(EntropyCalibrator.MAX_CLIPPED_SHARE);
        assertThat(c.range().max()).isGreaterThan(9f);
    }

    @Test
    void minMaxCoversEveryValueIncludingOutliers() {
        MinMaxCalibrator c = new MinMaxCalibrator();
        Samples.feedGaussianWithOutliers(c);
        assertThat(c.range()).isEqualTo(new TensorRange(-50f, 50f));
        assertThat(c.statistics().clippedFraction()).isZero();
        assertThat(c.statistics().valueCount()).isEqualTo(1_000_005);
    }

    @Test
    void movingAverageSmoothsPerBatchExtremes() {
        MinMaxCalibrator c = new MinMaxCalibrator(true, 0.5);
        c.update(Samples.of(-1f, 0f, 1f));
        c.update(Samples.of(-3f, 9f));
        // first batch sets the range, the second moves it half-way: -1 + 0.5·(-3 − -1), 1 + 0.5·(9 − 1)
        assertThat(c.range()).isEqualTo(new TensorRange(-2f, 5f));
        assertThat(c.statistics().observedMax()).isEqualTo(9f);
        assertThat(c.statistics().clippedFraction()).isNull();
    }

    @Test
    void extremesFromTheGraphGiveTheSameRangeAsWholeTensors() {
        MinMaxCalibrator whole = new MinMaxCalibrator(true, 0.3);
        MinMaxCalibrator extremes = new MinMaxCalibrator(true, 0.3);
        Random random = new Random(1);
        for (int i = 0; i < 5; i++) {
            FloatBuffer batch = Samples.uniform(random, 1000, -i - 1, 2 * i + 1);
            whole.update(batch);
            ValueExtremes e = ValueExtremes.of(batch);
            extremes.updateExtremes(e.min(), e.max(), 1000);
        }
        assertThat(extremes.range()).isEqualTo(whole.range());
        assertThat(extremes.statistics().valueCount()).isEqualTo(5000);
    }

    @Test
    void uniformDataIsNotClippedByAnyMethod() {
        for (Supplier<Calibrator> make : ALL) {
            Calibrator c = make.get();
            Random random = new Random(7);
            for (int i = 0; i < 10; i++) {
                c.update(Samples.uniform(random, 50_000, 0f, 1f));
            }
            TensorRange r = c.range();
            assertThat(r.min()).as(c.statistics().method()).isCloseTo(0f, within(1e-3f));
            assertThat(r.max()).as(c.statistics().method()).isGreaterThan(0.93f).isLessThanOrEqualTo(1f);
        }
    }

    @Test
    void percentileClipsAtTheKnownQuantileOfAbsoluteValues() {
        PercentileCalibrator c = new PercentileCalibrator(99.99);
        Samples.feedGaussianWithOutliers(c);
        // P(|x| > 3.8906) = 1e-4 for a standard normal
        assertThat(c.range().max()).isCloseTo(3.89f, within(0.12f));
        assertThat(c.range().min()).isCloseTo(-3.89f, within(0.12f));
        assertThat(c.statistics().clippedFraction()).isCloseTo(1e-4, within(5e-5));
    }

    @Test
    void percentileOfNinetyNineClipsOnePercent() {
        PercentileCalibrator c = new PercentileCalibrator(99);
        Samples.feedGaussianWithOutliers(c);
        assertThat(c.range().max()).isCloseTo(2.576f, within(0.05f));
        assertThat(c.statistics().clippedFraction()).isCloseTo(0.01, within(0.001));
    }

    @Test
    void entropyClipsOutliersOfAGaussianAtAFewSigma() {
        EntropyCalibrator c = new EntropyCalibrator(false);
        Samples.feedGaussianWithOutliers(c);
        TensorRange r = c.range();
        assertThat(r.max()).isBetween(2.0f, 10f);
        assertThat(r.min()).isBetween(-10f, -2.0f);
        assertThat(c.statistics().clippedFraction()).isLessThan(0.05);
    }

    @Test
    void entropyNeverClipsAWholeMode() {
        // a normalised image: most pixels are background at one value, the rest spread over the foreground range.
        // KL alone prefers to clip the background spike into the last bin; the search keeps 99 % of |x| inside.
        EntropyCalibrator c = new EntropyCalibrator(false);
        Random random = new Random(3);
        float[] values = new float[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 10 < 6 ? -0.81f : -0.81f + 2.83f * random.nextFloat();
        }
        c.update(FloatBuffer.wrap(values));
        assertThat(c.range().min()).isEqualTo(-0.81f);
        assertThat(c.statistics().clippedFraction()).isLessThanOrEqualTo(0.01);
    }

    @Test
    void mseBalancesRoundingErrorAgainstTheClippedOutliers() {
        MseCalibrator c = new MseCalibrator(false);
        Samples.feedGaussianWithOutliers(c);
        // Error(a, b) ≈ N·((b − a)/255)²/12 + Σ(o − b)² over the outliers above + Σ(a − o)² over those below,
        // N = 10⁶, outliers 50, 49, 50 above and −50, −48 below. Setting both derivatives to 0:
        // 1.2816·(b − a) = 149 − 3b = 98 + 2a, so b ≈ 29.3 and a ≈ −18.4, far inside the outliers.
        assertThat(c.range().max()).isCloseTo(29.3f, within(0.3f));
        assertThat(c.range().min()).isCloseTo(-18.4f, within(0.3f));
    }

    @Test
    void mseClipsEachSideOnItsOwn() {
        MseCalibrator c = new MseCalibrator(false);
        Random random = new Random(9);
        for (int i = 0; i < 10; i++) {
            c.update(Samples.uniform(random, 100_000, -1f, 1f));
        }
        c.update(Samples.of(30f));
        // The dense low side keeps (almost) all of it; for the high one, Error(t) ≈ 10⁶·((t + 1)/255)²/12
        // + (30 − t)², minimal where 1.2816·(t + 1) = 30 − t: t ≈ 12.6
        assertThat(c.range().max()).isCloseTo(12.6f, within(0.3f));
        assertThat(c.range().min()).isCloseTo(-1f, within(0.02f));
    }

    @Test
    void entropyOnOneSidedDataKeepsZeroAsTheLowerBound() {
        EntropyCalibrator c = new EntropyCalibrator(false);
        Random random = new Random(3);
        for (int i = 0; i < 5; i++) {
            FloatBuffer g = Samples.gaussian(random, 100_000);
            for (int j = 0; j < g.limit(); j++) {
                g.put(j, Math.max(0f, g.get(j)));
            }
            c.update(g);
        }
        c.update(Samples.of(40f));
        assertThat(c.range().min()).isZero();
        assertThat(c.range().max()).isBetween(2.0f, 10f);
    }

    @Test
    void allZeroTensorsGiveAZeroRange() {
        for (Supplier<Calibrator> make : ALL) {
            Calibrator c = make.get();
            c.update(FloatBuffer.allocate(1000));
            c.update(FloatBuffer.allocate(10));
            assertThat(c.range()).as(c.statistics().method()).isEqualTo(new TensorRange(0f, 0f));
            assertThat(c.statistics().valueCount()).isEqualTo(1010);
        }
    }

    @Test
    void nothingObservedGivesAZeroRange() {
        for (Supplier<Calibrator> make : ALL) {
            Calibrator c = make.get();
            assertThat(c.range()).isEqualTo(new TensorRange(0f, 0f));
            assertThat(c.statistics().valueCount()).isZero();
        }
    }

    @Test
    void nonFiniteValuesAreCountedButLeftOutOfTheRange() {
        for (Supplier<Calibrator> make : ALL) {
            Calibrator c = make.get();
            c.update(Samples.of(Float.NaN, -2f, 3f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
            assertThat(c.range().min()).isGreaterThanOrEqualTo(-2f);
            assertThat(c.range().max()).isLessThanOrEqualTo(3f).isPositive();
            assertThat(c.statistics().nonFiniteCount()).isEqualTo(3);
            assertThat(c.statistics().valueCount()).isEqualTo(2);
        }
    }

    @Test
    void zerosSeenBeforeTheFirstNonZeroValueStillCount() {
        PercentileCalibrator c = new PercentileCalibrator(50);
        c.update(FloatBuffer.allocate(1000));
        c.update(Samples.uniform(new Random(5), 100, 1f, 2f));
        // more than half of all values are zero, so the median of |x| is 0
        assertThat(c.range().max()).isCloseTo(0f, within(1e-3f));
    }

    @Test
    void recipeChoosesTheCalibrator() {
        assertThat(make(CalibrationMethod.MINMAX)).isInstanceOf(MinMaxCalibrator.class);
        assertThat(make(CalibrationMethod.PERCENTILE)).isInstanceOf(PercentileCalibrator.class);
        assertThat(make(CalibrationMethod.ENTROPY)).isInstanceOf(EntropyCalibrator.class);
        assertThat(make(CalibrationMethod.MSE)).isInstanceOf(MseCalibrator.class);
        assertThat(Calibrators.needsOnlyExtremes(QuantizationRecipe.defaults())).isTrue();
    }

    @Test
    void badParametersAreRefused() {
        assertThatThrownBy(() -> new PercentileCalibrator(0)).hasMessageContaining("percentile");
        assertThatThrownBy(() -> new MinMaxCalibrator(true, 1.5)).hasMessageContaining("constant");
    }

    private static Calibrator make(CalibrationMethod method) {
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(method, null, null, null, null), null, null);
        return Calibrators.forRecipe(recipe).get();
    }
}
