package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;

/**
 * Collects the statistics of one float tensor across calibration batches and turns them into a range.
 * Implementations hold a fixed amount of memory whatever the number of batches: they never keep the values.
 */
public interface Calibrator {

    /** Folds the values between the buffer's position and limit into the statistics; the buffer is not moved. */
    void update(FloatBuffer values);

    /** The range to quantize this tensor with, from everything seen so far. */
    TensorRange range();

    /** What was observed, for the report. */
    TensorStatistics statistics();
}
