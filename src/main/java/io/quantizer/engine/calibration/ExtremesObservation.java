package io.quantizer.engine.calibration;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.runtime.FeedReader;

/** MinMax over a graph that reduces each observed tensor itself: three scalars per tensor leave ONNX Runtime. */
final class ExtremesObservation implements ObservationRun {

    private final OrtSession session;
    private final Map<String, GraphAugmenter.ExtremeOutputs> names;
    private final Map<String, Calibrator> calibrators;
    private final Set<String> requested = new LinkedHashSet<>();
    private long bytesPerSample;

    ExtremesObservation(OrtSession session, Map<String, GraphAugmenter.ExtremeOutputs> names,
                        Map<String, Calibrator> calibrators) {
        this.session = session;
        this.names = names;
        this.calibrators = calibrators;
        names.values().forEach(n -> {
            requested.add(n.min());
            requested.add(n.max());
            requested.add(n.size());
        });
    }

    @Override
    public void observe(FeedReader.Batch batch) throws OrtException {
        if (requested.isEmpty()) {
            return; // only graph inputs are observed: they come from the fed buffers, no run needed
        }
        long bytes = 0;
        try (OrtSession.Result result = session.run(batch.inputs(), requested)) {
            for (Map.Entry<String, GraphAugmenter.ExtremeOutputs> e : names.entrySet()) {
                long size = (Long) value(result, e.getValue().size());
                if (size == 0) {
                    continue;
                }
                float min = (Float) value(result, e.getValue().min());
                float max = (Float) value(result, e.getValue().max());
                ((MinMaxCalibrator) calibrators.get(e.getKey())).updateExtremes(min, max, size);
                bytes += size * Float.BYTES;
            }
        }
        bytesPerSample = bytes / batch.size();
    }

    private static Object value(OrtSession.Result result, String name) throws OrtException {
        return ((OnnxTensor) result.get(name).orElseThrow()).getValue();
    }

    @Override
    public long bytesPerSample() {
        return bytesPerSample;
    }

    @Override
    public void close() {
        // nothing pinned: the scalars are owned by each run's result
    }
}
