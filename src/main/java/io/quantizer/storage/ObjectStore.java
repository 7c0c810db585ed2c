package io.quantizer.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The port to object storage: bytes live here, metadata lives in the database.
 * Keys are '/'-separated relative paths such as {@code blobs/sha256/ab/abcdef...} or
 * {@code jobs/42/attempt-1/model.onnx}. Implementations never hold a whole object in memory.
 */
public interface ObjectStore {

    /** Stores {@code length} bytes read from {@code content} under {@code key}, replacing what was there. */
    void put(String key, InputStream content, long length) throws IOException;

    /** Stores a local file under {@code key}. */
    void put(String key, Path file) throws IOException;

    /** Opens the object for streaming; the caller closes the stream. Empty when there is no such object. */
    Optional<InputStream> open(String key) throws IOException;

    /**
     * Opens {@code length} bytes of the object from {@code offset}; empty when there is no such object. This
     * default skips to the offset, which costs a seek on a local file; a remote store overrides it with a ranged
     * read so the bytes before the range are never transferred.
     */
    default Optional<InputStream> open(String key, long offset, long length) throws IOException {
        Optional<InputStream> whole = open(key);
        if (whole.isEmpty()) {
            return whole;
        }
        InputStream in = whole.get();
        try {
            in.skipNBytes(offset);
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return Optional.of(new LimitedInputStream(in, length));
    }

    /** Size in bytes, or empty when there is no such object. */
    Optional<Long> size(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /** Deletes the object; deleting a missing object is not an error. */
    void delete(String key) throws IOException;

    /** Keys that start with {@code prefix}, in no particular order. */
    List<String> list(String prefix) throws IOException;
}
