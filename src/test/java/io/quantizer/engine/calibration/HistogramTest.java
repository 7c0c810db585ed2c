package io.quantizer.engine.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void widthDoublesExactlyWhenALaterBatchIsWider() {
        Histogram h = new Histogram(16);
        h.add(Samples.of(0.5f, -0.5f, 6.9f));
        double first = h.width();
        h.add(Samples.of(30f));
        assertThat(h.width()).isEqualTo(first * 4);
        assertThat(LongStream.of(h.signedCounts()).sum()).isEqualTo(4);
        // every value sits in the bin whose edges enclose it
        long[] counts = h.signedCounts();
        for (float x : new float[] {0.5f, -0.5f, 6.9f, 30f}) {
            int bin = (int) Math.floor(x / h.width()) + 8;
            assertThat(counts[bin]).as("bin of " + x).isPositive();
        }
    }

    @Test
    void mergingBatchesOfDifferentRangesMatchesTheSortedData() {
        Random random = new Random(11);
        float[] all = new float[300_000];
        PercentileCalibrator narrowFirst = new PercentileCalibrator(99);
        PercentileCalibrator wideFirst = new PercentileCalibrator(99);
        FloatBuffer narrow = Samples.uniform(random, 150_000, -1f, 1f);
        FloatBuffer wide = Samples.uniform(random, 150_000, -100f, 100f);
        narrow.get(0, all, 0, 150_000);
        wide.get(0, all, 150_000, 150_000);
        narrowFirst.update(narrow);
        narrowFirst.update(wide);
        wideFirst.update(wide);
        wideFirst.update(narrow);

        float[] magnitudes = new float[all.length];
        for (int i = 0; i < all.length; i++) {
            magnitudes[i] = Math.abs(all[i]);
        }
        Arrays.sort(magnitudes);
        float exact = magnitudes[(int) (0.99 * all.length)];
        // half of the data is ±100 uniform: the 99th percentile of |x| is near 98, found to within a bin or two
        assertThat(narrowFirst.range().max()).isCloseTo(exact, within(0.2f));
        assertThat(wideFirst.range().max()).isCloseTo(exact, within(0.2f));
    }

    @Test
    void magnitudesFoldBothSigns() {
        Histogram h = new Histogram(16);
        h.add(Samples.of(-0.5f, 0.5f, 0f, 1f));
        long[] m = h.magnitudes();
        assertThat(LongStream.of(m).sum()).isEqualTo(4);
        int bin = (int) Math.floor(0.5f / h.width());
        assertThat(m[bin]).isEqualTo(2);
    }

    @Test
    void extremesGivenByTheGraphSpareAPassButNaNsAreStillLeftOut() {
        Histogram given = new Histogram(16);
        Histogram scanned = new Histogram(16);
        FloatBuffer values = Samples.of(-1f, 0.25f, Float.NaN, 3f);
        given.add(values, -1f, 3f);
        scanned.add(values);
        assertThat(given.signedCounts()).isEqualTo(scanned.signedCounts());
        assertThat(given.extremes().nonFiniteCount()).isEqualTo(1);
        assertThat(given.extremes().finiteCount()).isEqualTo(3);
        assertThat(LongStream.of(given.signedCounts()).sum()).isEqualTo(3);
    }
}
