package io.quantizer.queue.bench;

import java.nio.file.Path;
import java.util.List;

import ai.onnxruntime.OrtSession;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;
import io.quantizer.engine.runtime.Ort;

/**
 * The time ONNX Runtime alone needs for a job's forward passes: the same models at the same optimisation level
 * on the same global thread pool, over the same samples at the same batch size, counting only the
 * {@code session.run} calls (decoding the data set is the engine's cost, not ONNX Runtime's).
 */
final class OrtBound {

    private OrtBound() {
    }

    /** Seconds spent in {@code run} when every batch of {@code data} is fed to each of {@code models} in turn. */
    static double forwardSeconds(List<Path> models, Path data, int batch) throws Exception {
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OrtSession.SessionOptions.OptLevel.ALL_OPT);
             NumpyDataset ds = NumpyDataset.open(data)) {
            OrtSession[] sessions = new OrtSession[models.size()];
            try {
                for (int i = 0; i < sessions.length; i++) {
                    sessions[i] = Ort.environment().createSession(models.get(i).toString(), options);
                }
                ModelFeed feed = ModelFeed.bind(sessions[0].getInputInfo(), ds.description());
                warmUp(sessions, ds, feed, batch);
                long inRun = 0;
                try (FeedReader reader = new FeedReader(ds, feed, batch, Long.MAX_VALUE, null)) {
                    while (reader.remaining() > 0) {
                        try (FeedReader.Batch b = reader.next(batch)) {
                            for (OrtSession session : sessions) {
                                long start = System.nanoTime();
                                session.run(b.inputs()).close();
                                inRun += System.nanoTime() - start;
                            }
                        }
                    }
                }
                return inRun / 1e9;
            } finally {
                for (OrtSession session : sessions) {
                    if (session != null) {
                        session.close();
                    }
                }
            }
        }
    }

    private static void warmUp(OrtSession[] sessions, NumpyDataset ds, ModelFeed feed, int batch) throws Exception {
        try (FeedReader warm = new FeedReader(ds, feed, batch, batch, null);
             FeedReader.Batch b = warm.next(batch)) {
            for (OrtSession session : sessions) {
                session.run(b.inputs()).close();
            }
        }
    }
}
