package io.quantizer.engine.calibration;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.Ort;

/**
 * Histogram methods: fetches whole activations. After the first run at a batch size, two sets of outputs of that
 * size are preallocated (pinned) and ONNX Runtime writes into them in place, so a run allocates nothing and the
 * histograms read the very memory ONNX Runtime wrote. The histograms of one batch are updated on a background
 * thread while ONNX Runtime computes the next batch into the other set, so on two cores the cost is the larger
 * of the two rather than their sum. At most two batch sizes are pinned (the probe and the chosen one); a short
 * last batch runs with copies.
 */
final class ActivationObservation implements ObservationRun {

    private static final int MAX_PINNED_SIZES = 2;

    private final OrtSession session;
    private final Set<String> tensors;
    private final Map<String, Calibrator> calibrators;
    private final Map<String, ExtremesGraph.Readout> extremes;
    private final Set<String> extremeNames;
    private final Map<Integer, List<PinnedOutputs>> pinned = new HashMap<>();
    private final Map<Integer, Integer> nextSet = new HashMap<>();
    /** One thread: a calibrator is never updated by two threads, and updates keep batch order. */
    private final ExecutorService updater = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "calibration-histograms");
        t.setDaemon(true);
        return t;
    });
    private Future<?> lastUpdate;
    private long bytesPerSample;

    /**
     * @param session  runs the augmented model; this observation owns it and closes it
     * @param extremes where each tensor's extremes, reduced in the graph, come out
     */
    ActivationObservation(OrtSession session, Set<String> tensors, Map<String, Calibrator> calibrators,
                          Map<String, ExtremesGraph.Readout> extremes) {
        this.session = session;
        this.tensors = new LinkedHashSet<>(tensors);
        this.calibrators = calibrators;
        this.extremes = extremes;
        this.extremeNames = ExtremesGraph.outputs(extremes.values(), false);
    }

    /** One set of preallocated outputs and the update that still reads it, if any. */
    private static final class PinnedOutputs {
        final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
        Future<?> reader;
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
        List<PinnedOutputs> sets = pinned.get(batch.size());
        if (sets != null) {
            int index = nextSet.merge(batch.size(), 1, (a, b) -> (a + b) % sets.size());
            PinnedOutputs target = sets.get(index);
            await(target.reader);
            Map<String, float[]> ranges;
            try (OrtSession.Result result = session.run(batch.inputs(), extremeNames, target.tensors)) {
                ranges = extremes(result);
            }
            target.reader = submit(target.buffers, ranges);
            return;
        }
        Map<String, FloatBuffer> copies = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Set<String> requested = new LinkedHashSet<>(tensors);
        requested.addAll(extremeNames);
        Map<String, float[]> ranges;
        try (OrtSession.Result result = session.run(batch.inputs(), requested)) {
            ranges = extremes(result);
            for (String name : tensors) {
                OnnxValue value = result.get(name).orElseThrow();
                if (!(value instanceof OnnxTensor tensor) || tensor.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new IllegalArgumentException("tensor '" + name + "' is not a float tensor: " + value.getInfo());
                }
                copies.put(name, tensor.getFloatBuffer());
                shapes.put(name, tensor.getInfo().getShape());
            }
        }
        submit(copies, ranges);
        long floats = copies.values().stream().mapToLong(FloatBuffer::remaining).sum();
        bytesPerSample = floats * Float.BYTES / batch.size();
        if (pinned.size() < MAX_PINNED_SIZES) {
            pinned.put(batch.size(), List.of(pin(shapes), pin(shapes)));
            nextSet.put(batch.size(), 1);
        }
    }

    /** The {min, max} ONNX Runtime computed for each tensor in this run. */
    private Map<String, float[]> extremes(OrtSession.Result result) throws OrtException {
        Map<String, float[]> ranges = new HashMap<>();
        for (Map.Entry<String, ExtremesGraph.Readout> e : extremes.entrySet()) {
            ranges.put(e.getKey(), e.getValue().extremes(result));
        }
        return ranges;
    }

    private Future<?> submit(Map<String, FloatBuffer> buffers, Map<String, float[]> ranges) {
        List<Map.Entry<String, FloatBuffer>> entries = new ArrayList<>(buffers.entrySet());
        lastUpdate = updater.submit(() -> entries.forEach(e -> {
            float[] range = ranges.get(e.getKey());
            FloatBuffer values = e.getValue().duplicate();
            if (range == null || values.remaining() == 0) {
                calibrators.get(e.getKey()).update(values);
            } else {
                calibrators.get(e.getKey()).update(values, range[0], range[1]);
            }
        }));
        return lastUpdate;
    }

    private static void await(Future<?> update) {
        if (update == null) {
            return;
        }
        try {
            update.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while updating calibration histograms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("updating calibration histograms failed: " + e.getCause(), e.getCause());
        }
    }

    private static PinnedOutputs pin(Map<String, long[]> shapes) throws OrtException {
        PinnedOutputs set = new PinnedOutputs();
        try {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                long elements = 1;
                for (long d : e.getValue()) {
                    elements *= d;
                }
                FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(elements * Float.BYTES))
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                set.buffers.put(e.getKey(), buffer);
                set.tensors.put(e.getKey(), OnnxTensor.createTensor(Ort.environment(), buffer, e.getValue()));
            }
        } catch (OrtException | RuntimeException ex) {
            set.tensors.values().forEach(OnnxTensor::close);
            throw ex;
        }
        return set;
    }

    @Override
    public void finish() {
        await(lastUpdate);
    }

    @Override
    public long bytesPerSample() {
        return bytesPerSample;
    }

    @Override
    public void close() {
        updater.shutdownNow();
        pinned.values().forEach(sets -> sets.forEach(set -> set.tensors.values().forEach(OnnxTensor::close)));
        pinned.clear();
        CalibrationRunner.closeSession(session);
    }
}
