package io.quantizer.engine.calibration;

/**
 * Chooses the clipping range that minimises the expected squared quantization error over the observed
 * distribution: values inside the range cost the rounding error of a uniform grid ({@code s²/12}), values
 * outside cost their squared distance to the bound. Each bound is searched on its own (skewed data, such as a
 * long positive tail over a short negative one, needs different clipping on each side); prefix sums of the
 * histogram make each candidate pair cost O(1).
 */
public final class MseCalibrator extends HistogramCalibrator {

    static final int CANDIDATES = 256;

    private final boolean symmetric;

    /** @param symmetric whether activations are quantized symmetrically (±127 levels) or on 255 shifted ones */
    public MseCalibrator(boolean symmetric) {
        this(symmetric, Histogram.DEFAULT_BINS);
    }

    MseCalibrator(boolean symmetric, int bins) {
        super("mse", bins);
        this.symmetric = symmetric;
    }

    MseCalibrator(boolean symmetric, Histogram shared) {
        super("mse", shared);
        this.symmetric = symmetric;
    }

    /**
     * The expected squared error per value of quantizing what {@code histogram} holds with {@code range} (widened
     * to include 0, as the quantizer does): rounding inside, the distance to the bound outside.
     */
    static double expectedError(Histogram histogram, TensorRange range, boolean symmetric) {
        long total = histogram.extremes().finiteCount();
        if (total == 0 || histogram.width() == 0) {
            return 0;
        }
        Moments m = new Moments(histogram);
        double a = Math.min(0, range.min());
        double b = Math.max(0, range.max());
        double step;
        if (symmetric) {
            b = Math.max(-a, b);
            a = -b;
            step = b / 127;
        } else {
            step = (b - a) / 255;
        }
        return (m.clippedBelow(a) + m.clippedAbove(b) + m.countBetween(a, b) * step * step / 12) / total;
    }

    @Override
    protected TensorRange choose(ValueExtremes extremes) {
        Moments m = new Moments(histogram);
        double lo = Math.min(0, extremes.min());
        double hi = Math.max(0, extremes.max());
        double bestError = Double.POSITIVE_INFINITY;
        double bestLo = lo;
        double bestHi = hi;
        int lowSteps = lo < 0 && !symmetric ? CANDIDATES : 1;
        for (int j = CANDIDATES; j >= 1; j--) {
            for (int i = lowSteps; i >= 1; i--) {
                double b;
                double a;
                double step;
                if (symmetric) {
                    b = Math.max(-lo, hi) * j / CANDIDATES;
                    a = -b;
                    step = b / 127;
                } else {
                    b = hi * j / CANDIDATES;
                    a = lo * i / lowSteps;
                    step = (b - a) / 255;
                }
                double error = m.clippedBelow(a) + m.clippedAbove(b) + m.countBetween(a, b) * step * step / 12;
                if (error < bestError) {
                    bestError = error;
                    bestLo = a;
                    bestHi = b;
                }
            }
        }
        return new TensorRange((float) Math.max(extremes.min(), bestLo), (float) Math.min(extremes.max(), bestHi));
    }

    /** Prefix sums of n, n·c and n·c² over the bins (c the bin centre), for O(1) tail costs. */
    private static final class Moments {
        private final Histogram histogram;
        private final double[] n;
        private final double[] s1;
        private final double[] s2;

        Moments(Histogram histogram) {
            this.histogram = histogram;
            long[] counts = histogram.signedCounts();
            n = new double[counts.length + 1];
            s1 = new double[counts.length + 1];
            s2 = new double[counts.length + 1];
            for (int k = 0; k < counts.length; k++) {
                double c = histogram.center(k);
                n[k + 1] = n[k] + counts[k];
                s1[k + 1] = s1[k] + counts[k] * c;
                s2[k + 1] = s2[k] + counts[k] * c * c;
            }
        }

        /** Index of the first bin whose centre is above {@code x}. */
        private int firstAbove(double x) {
            int half = (n.length - 1) / 2;
            long k = (long) Math.floor(x / histogram.width() + half - 0.5) + 1;
            return (int) Math.max(0, Math.min(n.length - 1, k));
        }

        /** Σ n·(a − c)² over the bins with centre below a. */
        double clippedBelow(double a) {
            int k = firstAbove(a);
            return a * a * n[k] - 2 * a * s1[k] + s2[k];
        }

        /** Σ n·(c − b)² over the bins with centre above b. */
        double clippedAbove(double b) {
            int k = firstAbove(b);
            int end = n.length - 1;
            return (s2[end] - s2[k]) - 2 * b * (s1[end] - s1[k]) + b * b * (n[end] - n[k]);
        }

        double countBetween(double a, double b) {
            return n[firstAbove(b)] - n[firstAbove(a)];
        }
    }
}
