package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;

/** Base of the calibrators that choose a clipping range from a histogram of everything observed. */
abstract class HistogramCalibrator implements Calibrator {

    protected final Histogram histogram;
    private final String method;
    private Clipping clipping = Clipping.BOTH_TAILS;

    HistogramCalibrator(String method, int bins) {
        this(method, new Histogram(bins));
    }

    /** A calibrator reading a histogram that something else fills (several methods judged on one, for auto). */
    HistogramCalibrator(String method, Histogram histogram) {
        this.method = method;
        this.histogram = histogram;
    }

    @Override
    public final void update(FloatBuffer values) {
        histogram.add(values);
    }

    @Override
    public final void update(FloatBuffer values, float min, float max) {
        histogram.add(values, min, max);
    }

    @Override
    public final Calibrator limitedTo(Clipping allowed) {
        this.clipping = allowed;
        return this;
    }

    @Override
    public final TensorRange range() {
        ValueExtremes e = histogram.extremes();
        if (e.finiteCount() == 0 || histogram.width() == 0) {
            return new TensorRange(e.min(), e.max());
        }
        return clipping.apply(choose(e), e);
    }

    /** The range for a histogram holding at least one non-zero value. */
    protected abstract TensorRange choose(ValueExtremes extremes);

    /** Clips the observed range symmetrically at ±threshold, never widening it. */
    static TensorRange clip(ValueExtremes e, double threshold) {
        float t = (float) threshold;
        return new TensorRange(Math.min(e.max(), Math.max(e.min(), -t)), Math.max(e.min(), Math.min(e.max(), t)));
    }

    @Override
    public final TensorStatistics statistics() {
        ValueExtremes e = histogram.extremes();
        TensorRange range = range();
        return new TensorStatistics(method, e.finiteCount(), e.nonFiniteCount(), e.min(), e.max(), range,
                histogram.clippedFraction(range));
    }
}
