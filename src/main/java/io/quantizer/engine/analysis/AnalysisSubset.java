package io.quantizer.engine.analysis;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.evaluation.Evaluator;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;

/**
 * The first {@code samples} samples of the evaluation data, streamed batch by batch: nothing but one batch of inputs
 * is held, so each pass over the subset costs one decoded batch of memory.
 */
record AnalysisSubset(Path data, Map<String, BigDecimal> constants, long samples) {

    @FunctionalInterface
    interface BatchHandler {
        /** @param offset index of the batch's first sample within the subset */
        void accept(long offset, FeedReader.Batch batch) throws OrtException;
    }

    /**
     * Feeds the subset to {@code handler} in batches fit for {@code session}'s inputs; {@code maxBatch} 0 picks the
     * evaluation's batch size.
     */
    void forEachBatch(OrtSession session, int maxBatch, BatchHandler handler) throws IOException, OrtException {
        try (NumpyDataset ds = NumpyDataset.open(data)) {
            ModelFeed feed = ModelFeed.bind(session.getInputInfo(), ds.description(), constants);
            int batch = maxBatch > 0 ? maxBatch : Evaluator.batchSize(feed);
            try (FeedReader reader = new FeedReader(ds, feed, batch, samples, ds.description().labelTensor())) {
                long offset = 0;
                while (reader.remaining() > 0) {
                    try (FeedReader.Batch b = reader.next(batch)) {
                        handler.accept(offset, b);
                        offset += b.size();
                    }
                }
            }
        }
    }

    /** Samples the subset really has (the data set may hold fewer than asked). */
    long available() throws IOException {
        try (NumpyDataset ds = NumpyDataset.open(data)) {
            return Math.min(samples, ds.description().sampleCount());
        }
    }
}
