package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;

/**
 * Collects the statistics of one float tensor across calibration batches and turns them into a range.
 * Implementations hold a fixed amount of memory whatever the number of batches: they never keep the values.
 */
public interface Calibrator {

    /** Folds the values between the buffer's position and limit into the statistics; the buffer is not moved. */
    void update(FloatBuffer values);

    /**
     * Like {@link #update(FloatBuffer)}, with the values' extremes already known (ONNX Runtime reduced them in the
     * graph), which spares a pass over them; non-finite extremes mean "unknown".
     */
    default void update(FloatBuffer values, float min, float max) {
        update(values);
    }

    /**
     * Restricts which tails of the observed distribution the range may cut ({@link ClippingRule} says which);
     * calibrators that never clip past what they observed ignore it. Returns this calibrator.
     */
    default Calibrator limitedTo(Clipping allowed) {
        return this;
    }

    /** The range to quantize this tensor with, from everything seen so far. */
    TensorRange range();

    /** What was observed, for the report. */
    TensorStatistics statistics();
}
