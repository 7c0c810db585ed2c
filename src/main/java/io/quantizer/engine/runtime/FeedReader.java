package io.quantizer.engine.runtime;

import java.io.IOException;
import java.math.BigDecimal;
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
import io.quantizer.engine.data.Float16;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.data.SampleReader;
import io.quantizer.engine.feed.FeedBinding;

/**
 * Streams a data set into model inputs, one batch at a time, through direct buffers allocated once for the
 * largest batch: ONNX Runtime reads them in place (building tensors from Java arrays costs as much as an int8
 * inference here). Arrays of the input's own type are copied as stored; float32 arrays feeding float16 inputs are
 * rounded to float16. Constant inputs are filled once. Optionally reads the labels alongside.
 */
public final class FeedReader implements AutoCloseable {

    private final ModelFeed feed;
    private final int maxBatch;
    private final List<SampleReader> readers = new ArrayList<>();
    private final List<ByteBuffer> buffers = new ArrayList<>();
    private final List<FloatBuffer> widened = new ArrayList<>();
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
            for (FeedBinding b : feed.bindings()) {
                int elements = Math.toIntExact(this.maxBatch * b.elementsPerSample());
                ByteBuffer buffer = ByteBuffer.allocateDirect(elements * ModelFeed.javaType(b).size)
                        .order(ByteOrder.nativeOrder());
                buffers.add(buffer);
                if (b.isConstant()) {
                    readers.add(null);
                    widened.add(null);
                    fill(buffer, ModelFeed.javaType(b), b.constant());
                    continue;
                }
                SampleReader reader = data.openSamples(b.array());
                readers.add(reader);
                boolean rounds = !reader.header().type().numpyName().equals(b.elementType());
                widened.add(rounds ? FloatBuffer.allocate(elements) : null);
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
            for (int i = 0; i < buffers.size(); i++) {
                FeedBinding b = feed.bindings().get(i);
                OnnxJavaType type = ModelFeed.javaType(b);
                int bytes = Math.toIntExact(want * b.elementsPerSample() * type.size);
                ByteBuffer buffer = buffers.get(i).clear().limit(bytes);
                if (!b.isConstant()) {
                    read(i, b, buffer, want);
                }
                ByteBuffer view = buffer.position(0).slice().order(ByteOrder.nativeOrder());
                if (type == OnnxJavaType.FLOAT) {
                    FloatBuffer values = view.asFloatBuffer();
                    floats.put(b.input(), values);
                    tensors.put(b.input(), OnnxTensor.createTensor(Ort.environment(), values, b.shape(want)));
                } else {
                    tensors.put(b.input(), OnnxTensor.createTensor(Ort.environment(), view, b.shape(want), type));
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

    private void read(int i, FeedBinding b, ByteBuffer buffer, int want) throws IOException {
        FloatBuffer scratch = widened.get(i);
        int got;
        if (scratch == null) {
            got = readers.get(i).readRaw(buffer, want);
        } else {
            scratch.clear().limit(Math.toIntExact(want * b.elementsPerSample()));
            got = readers.get(i).read(scratch, want);
            scratch.flip();
            while (scratch.hasRemaining()) {
                buffer.putShort(Float16.fromFloat(scratch.get()));
            }
        }
        if (got != want) {
            throw new IOException("array '" + b.array() + "' ended after " + got + " of " + want + " samples");
        }
    }

    /** Fills the whole buffer with {@code value} as {@code type}; the rule has checked that it fits. */
    private static void fill(ByteBuffer buffer, OnnxJavaType type, BigDecimal value) {
        while (buffer.hasRemaining()) {
            switch (type) {
                case FLOAT -> buffer.putFloat(value.floatValue());
                case FLOAT16 -> buffer.putShort(Float16.fromFloat(value.floatValue()));
                case DOUBLE -> buffer.putDouble(value.doubleValue());
                case INT8, UINT8, BOOL -> buffer.put((byte) value.longValueExact());
                case INT16 -> buffer.putShort((short) value.longValueExact());
                case INT32 -> buffer.putInt(value.intValueExact());
                case INT64 -> buffer.putLong(value.longValueExact());
                default -> throw new IllegalStateException("no constant of type " + type);
            }
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        List<SampleReader> all = new ArrayList<>(readers);
        if (labelReader != null) {
            all.add(labelReader);
        }
        for (SampleReader r : all) {
            if (r == null) {
                continue;
            }
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
     * One batch: the input tensors (backed by the reader's buffers, valid until the next call), the float32 inputs
     * as buffers (constants included), and the labels when asked for.
     */
    public record Batch(int size, Map<String, OnnxTensor> inputs, Map<String, FloatBuffer> floatInputs,
                        LongBuffer labels) implements AutoCloseable {
        @Override
        public void close() {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
