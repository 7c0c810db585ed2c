package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;

/**
 * A fixed-size histogram of a tensor's values, anchored at 0 with bins of equal width {@code w}:
 * bin {@code k} covers {@code [(k − n/2)·w, (k − n/2 + 1)·w)}. When a batch falls outside the covered range the
 * width doubles and neighbouring bins merge pairwise, which is exact because the bin edges stay on the same grid;
 * so batches with different ranges merge without interpolation and memory stays at {@code n} counters.
 * The resolution is between n/4 and n/2 bins per sign over the largest magnitude seen.
 */
final class Histogram {

    static final int DEFAULT_BINS = 8192;

    private final long[] counts;
    private final int half;
    private final ValueExtremes extremes = new ValueExtremes();
    private double width;
    private long pendingZeros;

    Histogram() {
        this(DEFAULT_BINS);
    }

    Histogram(int bins) {
        if (bins < 16 || bins % 4 != 0) {
            throw new IllegalArgumentException("bin count must be a multiple of 4 and at least 16, got " + bins);
        }
        this.counts = new long[bins];
        this.half = bins / 2;
    }

    void add(FloatBuffer values) {
        ValueExtremes batch = ValueExtremes.of(values);
        extremes.merge(batch);
        if (batch.finiteCount() == 0) {
            return;
        }
        float maxAbs = batch.maxAbs();
        if (maxAbs == 0f) {
            // Until a non-zero value fixes the scale, zeros wait in a counter of their own.
            if (width == 0) {
                pendingZeros += batch.finiteCount();
            } else {
                counts[half] += batch.finiteCount();
            }
            return;
        }
        cover(maxAbs);
        double inverse = 1.0 / width;
        int end = values.limit();
        int last = counts.length - 1;
        for (int i = values.position(); i < end; i++) {
            float x = values.get(i);
            if (Float.isFinite(x)) {
                int k = half + (int) Math.floor(x * inverse);
                counts[Math.max(0, Math.min(last, k))]++;
            }
        }
    }

    private void cover(float maxAbs) {
        if (width == 0) {
            width = maxAbs / (half - 1.0);
            counts[half] += pendingZeros;
            pendingZeros = 0;
            return;
        }
        while (maxAbs >= half * width) {
            doubleWidth();
        }
    }

    /** New bin j holds old bins 2j − n/2 and 2j − n/2 + 1; bins outside the old range start empty. */
    private void doubleWidth() {
        long[] merged = new long[counts.length];
        int quarter = half / 2;
        for (int j = quarter; j < half + quarter; j++) {
            int k = 2 * j - half;
            merged[j] = counts[k] + counts[k + 1];
        }
        System.arraycopy(merged, 0, counts, 0, counts.length);
        width *= 2;
    }

    /** Counts of |x|: entry j covers {@code [j·w, (j+1)·w)}. */
    long[] magnitudes() {
        long[] folded = new long[half];
        for (int j = 0; j < half; j++) {
            folded[j] = counts[half + j] + counts[half - 1 - j];
        }
        folded[0] += pendingZeros;
        return folded;
    }

    /** A copy of the signed counts; bin k is centred on {@link #center(int)}. */
    long[] signedCounts() {
        long[] copy = counts.clone();
        copy[half] += pendingZeros;
        return copy;
    }

    double center(int bin) {
        return (bin - half + 0.5) * width;
    }

    /** Width of one bin; 0 while only zeros have been seen. */
    double width() {
        return width;
    }

    ValueExtremes extremes() {
        return extremes;
    }

    /** Share of the observed values that lie outside {@code range}, estimated at bin resolution. */
    double clippedFraction(TensorRange range) {
        long total = extremes.finiteCount();
        if (total == 0 || width == 0) {
            return 0;
        }
        long outside = 0;
        for (int k = 0; k < counts.length; k++) {
            double c = center(k);
            if (counts[k] != 0 && (c < range.min() || c > range.max())) {
                outside += counts[k];
            }
        }
        return (double) outside / total;
    }
}
