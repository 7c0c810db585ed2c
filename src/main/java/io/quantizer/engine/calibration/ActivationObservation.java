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

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.Ort;

/**
 * Histogram methods: fetches whole activations. After the first run at a batch size, the outputs of that size
 * are preallocated (pinned) and ONNX Runtime writes into them in place, so a run allocates nothing and the
 * calibrators read the very memory ONNX Runtime wrote. At most two batch sizes are pinned (the probe and the
 * chosen one); a short last batch runs with copies. Histograms of different tensors update in parallel.
 */
final class ActivationObservation implements ObservationRun {

    private static final int MAX_PINNED_SIZES = 2;

    private final OrtSession session;
    private final Set<String> tensors;
    private final Map<String, Calibrator> calibrators;
    private final Map<Integer, Map<String, OnnxTensor>> pinned = new HashMap<>();
    private final Map<Integer, Map<String, FloatBuffer>> pinnedBuffers = new HashMap<>();
    private long bytesPerSample;

    ActivationObservation(OrtSession session, Set<String> tensors, Map<String, Calibrator> calibrators) {
        this.session = session;
        this.tensors = new LinkedHashSet<>(tensors);
        this.calibrators = calibrators;
    }

    @Override
    public void observe(FeedReader.Batch batch) throws OrtException {
        if (tensors.isEmpty()) {
            return; // only graph inputs are observed: they come from the fed buffers, no run needed
        }
        Map<String, OnnxTensor> pins = pinned.get(batch.size());
        if (pins != null) {
            session.run(batch.inputs(), pins).close();
            update(pinnedBuffers.get(batch.size()));
            return;
        }
        Map<String, FloatBuffer> copies = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (OrtSession.Result result = session.run(batch.inputs(), tensors)) {
            for (String name : tensors) {
                OnnxValue value = result.get(name).orElseThrow();
                if (!(value instanceof OnnxTensor tensor) || tensor.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new IllegalArgumentException("tensor '" + name + "' is not a float tensor: " + value.getInfo());
                }
                copies.put(name, tensor.getFloatBuffer());
                shapes.put(name, tensor.getInfo().getShape());
            }
        }
        update(copies);
        long floats = copies.values().stream().mapToLong(FloatBuffer::remaining).sum();
        bytesPerSample = floats * Float.BYTES / batch.size();
        if (pinned.size() < MAX_PINNED_SIZES) {
            pin(batch.size(), shapes);
        }
    }

    private void update(Map<String, FloatBuffer> buffers) {
        List<Map.Entry<String, FloatBuffer>> entries = new ArrayList<>(buffers.entrySet());
        entries.parallelStream().forEach(e -> calibrators.get(e.getKey()).update(e.getValue().duplicate()));
    }

    private void pin(int size, Map<String, long[]> shapes) throws OrtException {
        Map<String, OnnxTensor> pins = new LinkedHashMap<>();
        Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                long elements = 1;
                for (long d : e.getValue()) {
                    elements *= d;
                }
                FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(elements * Float.BYTES))
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                buffers.put(e.getKey(), buffer);
                pins.put(e.getKey(), OnnxTensor.createTensor(Ort.environment(), buffer, e.getValue()));
            }
        } catch (OrtException | RuntimeException ex) {
            pins.values().forEach(OnnxTensor::close);
            throw ex;
        }
        pinned.put(size, pins);
        pinnedBuffers.put(size, buffers);
    }

    @Override
    public long bytesPerSample() {
        return bytesPerSample;
    }

    @Override
    public void close() {
        pinned.values().forEach(pins -> pins.values().forEach(OnnxTensor::close));
        pinned.clear();
        pinnedBuffers.clear();
    }
}
