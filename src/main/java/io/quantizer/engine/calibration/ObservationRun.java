package io.quantizer.engine.calibration;

import ai.onnxruntime.OrtException;
import io.quantizer.engine.runtime.FeedReader;

/** Runs one batch through the augmented model and feeds what the observed tensors held to their calibrators. */
interface ObservationRun extends AutoCloseable {

    void observe(FeedReader.Batch batch) throws OrtException;

    /** Waits until everything observed so far is in the calibrators. */
    default void finish() {
    }

    /** Activation bytes the observed tensors held per sample in the last batch. */
    long bytesPerSample();

    @Override
    void close();
}
