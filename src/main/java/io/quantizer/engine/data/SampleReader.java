package io.quantizer.engine.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.zip.ZipException;

/**
 * Reads one array sample by sample along its first dimension, converting elements to float32 or int64 (labels),
 * or copying them as stored. It streams: memory use is one 64 KiB chunk whatever the array size, and deflated
 * .npz entries are inflated as they are read. Reading is forward; {@link #seek(long)} backwards reopens the array.
 * Not thread-safe: use one reader per thread.
 */
public final class SampleReader implements AutoCloseable {

    private static final int CHUNK_BYTES = 1 << 16;

    private final ArrayEntry entry;
    private final NpyHeader header;
    private final int elementsPerSample;
    private final long bytesPerSample;
    private final ByteBuffer chunk;
    private InputStream in;
    private long position;

    SampleReader(ArrayEntry entry) throws IOException {
        this.entry = entry;
        this.header = entry.header();
        if (header.rank() == 0) {
            throw new DatasetFormatException(entry.where() + " is a scalar; it has no sample dimension to read");
        }
        if (header.elementsPerSample() > Integer.MAX_VALUE - 8) {
            throw new DatasetFormatException(entry.where() + " has samples of " + header.elementsPerSample()
                    + " elements, too many for one buffer");
        }
        this.elementsPerSample = (int) header.elementsPerSample();
        this.bytesPerSample = (long) elementsPerSample * header.type().itemSize();
        this.chunk = ByteBuffer.allocate(CHUNK_BYTES).order(header.byteOrder());
        this.in = openAtData();
    }

    public String name() {
        return entry.name();
    }

    public NpyHeader header() {
        return header;
    }

    public long sampleCount() {
        return header.sampleCount();
    }

    public int elementsPerSample() {
        return elementsPerSample;
    }

    /** Index of the next sample {@code read} returns. */
    public long position() {
        return position;
    }

    public long remaining() {
        return sampleCount() - position;
    }

    /** Moves to sample {@code sample} (0..sampleCount); forward by skipping, backward by reopening the array. */
    public void seek(long sample) throws IOException {
        if (sample < 0 || sample > sampleCount()) {
            throw new IndexOutOfBoundsException("sample " + sample + " outside [0, " + sampleCount() + "]");
        }
        if (sample < position) {
            in.close();
            in = openAtData();
            position = 0;
        }
        skipBytes((sample - position) * bytesPerSample);
        position = sample;
    }

    /**
     * Reads the next {@code min(samples, remaining())} samples as float32 into {@code dst}, which must have room
     * for them ({@code samples * elementsPerSample()} floats); returns how many samples were read (0 at the end).
     */
    public int read(FloatBuffer dst, int samples) throws IOException {
        int n = prepare(samples, dst.remaining());
        long left = n * bytesPerSample;
        while (left > 0) {
            fillChunk(left);
            left -= chunk.remaining();
            ElementDecoder.toFloats(header.type(), chunk, dst);
        }
        position += n;
        return n;
    }

    /** Like {@link #read(FloatBuffer, int)}, but as int64 values: for label arrays (class indices). */
    public int readLongs(LongBuffer dst, int samples) throws IOException {
        int n = prepare(samples, dst.remaining());
        long left = n * bytesPerSample;
        while (left > 0) {
            fillChunk(left);
            left -= chunk.remaining();
            ElementDecoder.toLongs(header.type(), chunk, dst, entry.where());
        }
        position += n;
        return n;
    }

    /**
     * Reads the next {@code min(samples, remaining())} samples as they are stored, without converting the element
     * type, into {@code dst} in {@code dst}'s byte order: for model inputs of the array's own type. Returns how
     * many samples were read.
     */
    public int readRaw(ByteBuffer dst, int samples) throws IOException {
        int size = header.type().itemSize();
        int n = prepare(samples, dst.remaining() / size);
        long left = n * bytesPerSample;
        while (left > 0) {
            fillChunk(left);
            left -= chunk.remaining();
            if (size == 1 || chunk.order() == dst.order()) {
                dst.put(chunk);
            } else {
                while (chunk.hasRemaining()) {
                    for (int b = size - 1; b >= 0; b--) {
                        dst.put(chunk.get(chunk.position() + b));
                    }
                    chunk.position(chunk.position() + size);
                }
            }
        }
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private int prepare(int samples, int room) {
        if (samples < 0) {
            throw new IllegalArgumentException("samples must not be negative: " + samples);
        }
        int n = (int) Math.min(samples, remaining());
        if ((long) n * elementsPerSample > room) {
            throw new IllegalArgumentException("buffer holds " + room + " elements; " + n + " samples of "
                    + entry.name() + " need " + (long) n * elementsPerSample);
        }
        return n;
    }

    /** Loads up to {@code left} bytes (whole elements, since the chunk size is a multiple of 8) into the chunk. */
    private void fillChunk(long left) throws IOException {
        int want = (int) Math.min(CHUNK_BYTES, left);
        chunk.clear();
        int got = readFully(chunk.array(), want);
        if (got < want) {
            throw truncated();
        }
        chunk.limit(want);
    }

    private int readFully(byte[] buffer, int length) throws IOException {
        try {
            return in.readNBytes(buffer, 0, length);
        } catch (EOFException e) {
            throw truncated();
        } catch (ZipException e) {
            throw new DatasetFormatException(entry.where() + " has corrupt compressed data: " + e.getMessage(), e);
        }
    }

    private void skipBytes(long count) throws IOException {
        byte[] scratch = chunk.array();
        long left = count;
        while (left > 0) {
            int want = (int) Math.min(scratch.length, left);
            if (readFully(scratch, want) < want) {
                throw truncated();
            }
            left -= want;
        }
    }

    private InputStream openAtData() throws IOException {
        InputStream stream = entry.opener().open();
        try {
            stream.skipNBytes(header.dataOffset());
            return stream;
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private DatasetFormatException truncated() {
        return new DatasetFormatException(entry.where() + " ends before its data does: the header promises "
                + header.dataBytes() + " bytes for " + header + "; the file is truncated");
    }
}
