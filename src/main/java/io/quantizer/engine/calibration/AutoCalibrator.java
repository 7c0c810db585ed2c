package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Picks the calibration method per tensor: one histogram of the tensor feeds MinMax, percentile, entropy and MSE,
 * and the range whose expected squared quantization error over the observed values is lowest wins. Ranges within
 * {@link #TIE} of the best count as equal, and then the one that clips least wins (the candidates are tried in
 * the order MinMax, percentile, entropy, MSE): clipping biases a tensor, rounding only adds noise, so a range that
 * clips is taken only when it measurably pays. A uniform tensor thus keeps MinMax, one with a few outliers gets
 * a clipped range. The report names the winner per tensor.
 */
public final class AutoCalibrator implements Calibrator {

    /** Relative error difference below which two ranges count as equally good. */
    static final double TIE = 0.02;

    private final Histogram histogram;
    private final boolean symmetric;
    private final List<HistogramCalibrator> candidates;

    /**
     * @param percentile the recipe's percentile, for the percentile candidate
     * @param symmetric  whether activations are quantized symmetrically
     */
    public AutoCalibrator(double percentile, boolean symmetric) {
        this(percentile, symmetric, Histogram.DEFAULT_BINS);
    }

    AutoCalibrator(double percentile, boolean symmetric, int bins) {
        this.histogram = new Histogram(bins);
        this.symmetric = symmetric;
        this.candidates = List.of(new MinMaxOfHistogram(histogram), new PercentileCalibrator(percentile, histogram),
                new EntropyCalibrator(symmetric, histogram), new MseCalibrator(symmetric, histogram));
    }

    @Override
    public void update(FloatBuffer values) {
        histogram.add(values);
    }

    @Override
    public void update(FloatBuffer values, float min, float max) {
        histogram.add(values, min, max);
    }

    @Override
    public Calibrator limitedTo(Clipping allowed) {
        candidates.forEach(c -> c.limitedTo(allowed));
        return this;
    }

    @Override
    public TensorRange range() {
        return winner().range();
    }

    @Override
    public TensorStatistics statistics() {
        return winner().statistics();
    }

    /** The candidate with the lowest expected error, the least clipping one among those within {@link #TIE}. */
    HistogramCalibrator winner() {
        double[] errors = new double[candidates.size()];
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < errors.length; i++) {
            errors[i] = MseCalibrator.expectedError(histogram, candidates.get(i).range(), symmetric);
            best = Math.min(best, errors[i]);
        }
        for (int i = 0; i < errors.length; i++) {
            if (errors[i] <= best * (1 + TIE)) {
                return candidates.get(i);
            }
        }
        return candidates.get(0);
    }

    /** MinMax on the shared histogram: the observed extremes. */
    private static final class MinMaxOfHistogram extends HistogramCalibrator {

        MinMaxOfHistogram(Histogram shared) {
            super("minmax", shared);
        }

        @Override
        protected TensorRange choose(ValueExtremes extremes) {
            return new TensorRange(extremes.min(), extremes.max());
        }
    }
}
