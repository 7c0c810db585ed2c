package io.quantizer.engine.calibration;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.runtime.FeedReader;

/**
 * MinMax without copying activations out of ONNX Runtime: every batch runs through the graph of
 * {@link ExtremesGraph}, which reduces each observed tensor to a few scalars. How a tensor is reduced depends on
 * its shape, which ONNX Runtime infers from the model (an unoptimised session, created only to ask). The inference
 * follows the model's declared input shapes, which can be wrong: if the graph built from it cannot be loaded or
 * fails on its first run, the observation falls back to plain reductions, which need no shapes.
 */
final class ExtremesObservation implements ObservationRun {

    private final ModelProto model;
    private final Set<String> tensors;
    private final Map<String, Calibrator> calibrators;
    private OrtSession session;
    private Map<String, ExtremesGraph.Readout> readouts;
    private Set<String> requested;
    private boolean shaped;
    private boolean ranOnce;
    private long bytesPerSample;
    private long expectedBytesPerSample;
    private long setupNanos;

    private ExtremesObservation(ModelProto model, Set<String> tensors, Map<String, Calibrator> calibrators) {
        this.model = model;
        this.tensors = new LinkedHashSet<>(tensors);
        this.calibrators = calibrators;
    }

    /** @param tensors node outputs of the main graph to observe (graph inputs are observed from the feed) */
    static ExtremesObservation open(ModelProto model, Set<String> tensors, Map<String, Calibrator> calibrators)
            throws OrtException {
        return open(model, tensors, calibrators, ExtremesGraph.inferShapes(model, tensors));
    }

    /** @param shapes each tensor's shape as inferred (tests pass wrong ones to exercise the fallbacks) */
    static ExtremesObservation open(ModelProto model, Set<String> tensors, Map<String, Calibrator> calibrators,
                                    Map<String, long[]> shapes) throws OrtException {
        ExtremesObservation observation = new ExtremesObservation(model, tensors, calibrators);
        observation.expectedBytesPerSample = bytesPerSample(shapes, tensors);
        try {
            observation.load(shapes);
        } catch (EngineInputException e) {
            observation.load(null); // if even plain reductions do not load, the model itself does not
        }
        return observation;
    }

    /**
     * Activation bytes per sample if every tensor's shape is known beyond its first (batch) dimension, else 0.
     * Knowing it before the first run lets calibration start at its real batch size: every new batch size costs
     * ONNX Runtime slow first runs while it plans memory for it.
     */
    private static long bytesPerSample(Map<String, long[]> shapes, Set<String> tensors) {
        long bytes = 0;
        for (String tensor : tensors) {
            long[] shape = shapes.get(tensor);
            if (shape == null || shape.length == 0) {
                return 0;
            }
            long elements = 1;
            for (int d = 1; d < shape.length; d++) {
                if (shape[d] < 0) {
                    return 0;
                }
                elements *= shape[d];
            }
            bytes += elements * Float.BYTES;
        }
        return bytes;
    }

    /** Builds and loads the reducing graph; with null shapes, plain reductions only. */
    private void load(Map<String, long[]> shapes) throws OrtException {
        Map<String, ExtremesGraph.Readout> built = new LinkedHashMap<>();
        ModelProto graph = ExtremesGraph.build(model, tensors, shapes, built);
        OrtSession loaded = CalibrationRunner.createSession(graph, OptLevel.ALL_OPT);
        CalibrationRunner.closeSession(session);
        session = loaded;
        readouts = built;
        requested = ExtremesGraph.outputs(built.values(), true);
        shaped = shapes != null;
    }

    @Override
    public Map<String, NodeInfo> inputs() throws OrtException {
        return session.getInputInfo();
    }

    @Override
    public void observe(FeedReader.Batch batch) throws OrtException {
        if (tensors.isEmpty()) {
            return; // only graph inputs are observed: they come from the fed buffers, no run needed
        }
        long values = 0;
        try (OrtSession.Result result = run(batch)) {
            for (Map.Entry<String, ExtremesGraph.Readout> e : readouts.entrySet()) {
                long count = e.getValue().count(result);
                values += count;
                if (count > 0) {
                    float[] extremes = e.getValue().extremes(result);
                    ((MinMaxCalibrator) calibrators.get(e.getKey())).updateExtremes(extremes[0], extremes[1], count);
                }
            }
        }
        bytesPerSample = values * Float.BYTES / batch.size();
    }

    private OrtSession.Result run(FeedReader.Batch batch) throws OrtException {
        try {
            OrtSession.Result result = session.run(batch.inputs(), requested);
            ranOnce = true;
            return result;
        } catch (OrtException e) {
            if (ranOnce || !shaped) {
                throw e;
            }
            // the inferred shapes were wrong for this data: plain reductions need none
            long start = System.nanoTime();
            load(null);
            setupNanos += System.nanoTime() - start;
            OrtSession.Result result = session.run(batch.inputs(), requested);
            ranOnce = true;
            return result;
        }
    }

    @Override
    public long bytesPerSample() {
        return bytesPerSample;
    }

    @Override
    public long expectedBytesPerSample() {
        return expectedBytesPerSample;
    }

    @Override
    public double setupSeconds() {
        return setupNanos / 1e9;
    }

    @Override
    public void close() {
        CalibrationRunner.closeSession(session);
    }
}
