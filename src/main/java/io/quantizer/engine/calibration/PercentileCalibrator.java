package io.quantizer.engine.calibration;

/**
 * Clips at the given percentile of |x|: with 99.99, the 0.01 % largest magnitudes saturate and the rest of the
 * values get the resolution the outliers would otherwise take.
 */
public final class PercentileCalibrator extends HistogramCalibrator {

    private final double percentile;

    public PercentileCalibrator(double percentile) {
        this(percentile, Histogram.DEFAULT_BINS);
    }

    PercentileCalibrator(double percentile, int bins) {
        super("percentile", bins);
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
        this.percentile = percentile;
    }

    PercentileCalibrator(double percentile, Histogram shared) {
        super("percentile", shared);
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
        this.percentile = percentile;
    }

    @Override
    protected TensorRange choose(ValueExtremes extremes) {
        return clip(extremes, threshold(extremes));
    }

    private double threshold(ValueExtremes extremes) {
        if (percentile >= 100) {
            return extremes.maxAbs();
        }
        long[] magnitudes = histogram.magnitudes();
        double target = percentile / 100.0 * extremes.finiteCount();
        long cumulative = 0;
        for (int j = 0; j < magnitudes.length; j++) {
            long next = cumulative + magnitudes[j];
            if (next >= target && magnitudes[j] > 0) {
                // Interpolate inside the bin, assuming its values spread evenly.
                double within = (target - cumulative) / magnitudes[j];
                return Math.min(extremes.maxAbs(), (j + within) * histogram.width());
            }
            cumulative = next;
        }
        return extremes.maxAbs();
    }
}
