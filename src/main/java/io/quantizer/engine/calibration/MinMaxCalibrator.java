package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;

/**
 * The range is the smallest and largest value seen, or with a moving average, the per-batch extremes smoothed
 * as {@code m ← m + c·(batchExtreme − m)} so that one odd batch does not stretch the range.
 * Can be fed whole tensors or, when the graph reduces them itself, per-batch extremes only.
 */
public final class MinMaxCalibrator implements Calibrator {

    private final boolean movingAverage;
    private final double constant;
    private final ValueExtremes seen = new ValueExtremes();
    private double min;
    private double max;
    private boolean any;

    public MinMaxCalibrator() {
        this(false, 0.01);
    }

    public MinMaxCalibrator(boolean movingAverage, double constant) {
        if (!(constant > 0 && constant < 1)) {
            throw new IllegalArgumentException("moving average constant must be in (0, 1), got " + constant);
        }
        this.movingAverage = movingAverage;
        this.constant = constant;
    }

    @Override
    public void update(FloatBuffer values) {
        ValueExtremes batch = ValueExtremes.of(values);
        seen.merge(batch);
        if (batch.finiteCount() > 0) {
            observe(batch.min(), batch.max());
        }
    }

    /**
     * Folds one batch's extremes, computed elsewhere (ReduceMin/ReduceMax in the graph), in.
     * Non-finite extremes are skipped: they carry no usable range.
     */
    public void updateExtremes(float batchMin, float batchMax, long valueCount) {
        if (!Float.isFinite(batchMin) || !Float.isFinite(batchMax)) {
            seen.addNonFinite(valueCount);
            return;
        }
        seen.mergeExtremes(batchMin, batchMax, valueCount);
        observe(batchMin, batchMax);
    }

    private void observe(float batchMin, float batchMax) {
        if (!any || !movingAverage) {
            min = any ? Math.min(min, batchMin) : batchMin;
            max = any ? Math.max(max, batchMax) : batchMax;
            any = true;
            return;
        }
        min += constant * (batchMin - min);
        max += constant * (batchMax - max);
    }

    @Override
    public TensorRange range() {
        return any ? new TensorRange((float) min, (float) max) : new TensorRange(0f, 0f);
    }

    @Override
    public TensorStatistics statistics() {
        // Plain MinMax covers every value seen; a moving average may not, and keeps nothing to count them with.
        Double clipped = movingAverage ? null : 0.0;
        return new TensorStatistics(movingAverage ? "minmax-moving-average" : "minmax", seen.finiteCount(),
                seen.nonFiniteCount(), seen.min(), seen.max(), range(), clipped);
    }
}
