package io.quantizer.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * Uploaded bytes stored by content: key {@code blobs/sha256/<first two hex digits>/<sha256>}, so the same bytes
 * uploaded twice (as two models, or a model and a data set) are stored once.
 * <p>
 * Reference counting is the caller's job, because only the caller's tables know who uses a blob: delete a blob
 * (with {@link #delete}) only after the transaction that removed the last row with that SHA-256 has committed.
 * {@link #publish} is idempotent and re-stores a blob that is missing or has the wrong size, so an upload that
 * races with such a delete heals itself on retry.
 */
@Component
public class ContentAddressedBlobs {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final ObjectStore store;

    public ContentAddressedBlobs(ObjectStore store) {
        this.store = store;
    }

    /** The object key of the blob with this SHA-256 (lowercase hex). */
    public static String keyFor(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("Not a lowercase hex SHA-256: " + sha256);
        }
        return "blobs/sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    /** Stores the staged bytes unless an object of the same size is already under their key; returns the key. */
    public String publish(StagedUpload staged) throws IOException {
        String key = keyFor(staged.sha256());
        if (!store.size(key).map(size -> size == staged.sizeBytes()).orElse(false)) {
            store.put(key, staged.path());
        }
        return key;
    }

    /** Streams the blob; empty when it is not stored. */
    public Optional<InputStream> open(String sha256) throws IOException {
        return store.open(keyFor(sha256));
    }

    /** {@code length} bytes of the blob from {@code offset}, read as one range. */
    public Optional<InputStream> open(String sha256, long offset, long length) throws IOException {
        return store.open(keyFor(sha256), offset, length);
    }

    public boolean exists(String sha256) throws IOException {
        return store.exists(keyFor(sha256));
    }

    /** Removes the blob; see the class comment for when that is safe. */
    public void delete(String sha256) throws IOException {
        store.delete(keyFor(sha256));
    }
}
