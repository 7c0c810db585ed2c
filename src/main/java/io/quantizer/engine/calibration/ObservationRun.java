package io.quantizer.engine.calibration;

import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import io.quantizer.engine.runtime.FeedReader;

/** Runs one batch through the augmented model and feeds what the observed tensors held to their calibrators. */
interface ObservationRun extends AutoCloseable {

    /** The model inputs every run is fed. */
    Map<String, NodeInfo> inputs() throws OrtException;

    void observe(FeedReader.Batch batch) throws OrtException;

    /** Seconds {@link #observe} spent creating sessions rather than observing. */
    default double setupSeconds() {
        return 0;
    }

    /** Waits until everything observed so far is in the calibrators. */
    default void finish() {
    }

    /** Activation bytes the observed tensors will hold per sample, known before any run; 0 when unknown. */
    default long expectedBytesPerSample() {
        return 0;
    }

    /** Activation bytes the observed tensors held per sample in the last batch. */
    long bytesPerSample();

    @Override
    void close();
}
