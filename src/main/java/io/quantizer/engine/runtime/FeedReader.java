package io.quantizer.engine.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.data.SampleReader;

/**
 * Streams a data set into model inputs, one batch at a time, through direct buffers allocated once for the
 * largest batch: ONNX Runtime reads them in place (building tensors from Java arrays costs as much as an int8
 * inference here). Optionally reads the labels alongside.
 */
public final class FeedReader implements AutoCloseable {

    private final ModelFeed feed;
    private final int maxBatch;
    private final List<SampleReader> readers = new ArrayList<>();
    private final List<ByteBuffer> buffers = new ArrayList<>();
    private final SampleReader labelReader;
    private final LongBuffer labels;
    private long left;

    /**
     * @param maxBatch largest batch {@link #next(int)} will be asked for (1 when the model is not batched)
     * @param limit    at most this many samples are read
     * @param labelArray the label array to read alongside, or null
     */
    public FeedReader(NumpyDataset data, ModelFeed feed, int maxBatch, long limit, String labelArray)
            throws IOException {
        this.feed = feed;
        this.maxBatch = feed.batched() ? maxBatch : 1;
        this.left = Math.min(limit, data.description().sampleCount());
        try {
            for (InputBinding b : feed.bindings()) {
                readers.add(data.openSamples(b.arrayName()));
                buffers.add(ByteBuffer.allocateDirect(this.maxBatch * b.elementsPerSample()
                        * ModelFeed.elementSize(b.type())).order(ByteOrder.nativeOrder()));
            }
            this.labelReader = labelArray == null ? null : data.openSamples(labelArray);
            this.labels = labelArray == null ? null : LongBuffer.allocate(this.maxBatch);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** Samples not read yet, within the limit. */
    public long remaining() {
        return left;
    }

    /** The next batch of up to {@code n} samples (fewer at the end); null when the data is exhausted. */
    public Batch next(int n) throws IOException, OrtException {
        int want = (int) Math.min(Math.min(n, maxBatch), left);
        if (want <= 0) {
            return null;
        }
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        Map<String, FloatBuffer> floats = new LinkedHashMap<>();
        try {
            for (int i = 0; i < readers.size(); i++) {
                InputBinding b = feed.bindings().get(i);
                ByteBuffer bytes = buffers.get(i).clear();
                int elements = want * b.elementsPerSample();
                if (b.type() == OnnxJavaType.INT64) {
                    LongBuffer view = bytes.asLongBuffer().limit(elements);
                    readFully(readers.get(i).readLongs(view, want), want, b);
                    tensors.put(b.inputName(), OnnxTensor.createTensor(Ort.environment(), view.flip(), b.shape(want)));
                } else {
                    FloatBuffer view = bytes.asFloatBuffer().limit(elements);
                    readFully(readers.get(i).read(view, want), want, b);
                    view.flip();
                    floats.put(b.inputName(), view);
                    tensors.put(b.inputName(), OnnxTensor.createTensor(Ort.environment(), view, b.shape(want)));
                }
            }
            LongBuffer batchLabels = null;
            if (labelReader != null) {
                labelReader.readLongs(labels.clear(), want);
                batchLabels = labels.flip();
            }
            left -= want;
            return new Batch(want, tensors, floats, batchLabels);
        } catch (IOException | OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    private static void readFully(int got, int want, InputBinding b) throws IOException {
        if (got != want) {
            throw new IOException("array '" + b.arrayName() + "' ended after " + got + " of " + want + " samples");
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        List<SampleReader> all = new ArrayList<>(readers);
        if (labelReader != null) {
            all.add(labelReader);
        }
        for (SampleReader r : all) {
            try {
                r.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * One batch: the input tensors (backed by the reader's buffers, valid until the next call), the float inputs
     * as buffers, and the labels when asked for.
     */
    public record Batch(int size, Map<String, OnnxTensor> inputs, Map<String, FloatBuffer> floatInputs,
                        LongBuffer labels) implements AutoCloseable {
        @Override
        public void close() {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
