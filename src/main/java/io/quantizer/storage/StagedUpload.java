package io.quantizer.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An upload staged to a local temp file by {@link UploadStager}, with its SHA-256 (lowercase hex) and size.
 * Parse or validate it from {@link #path()}, publish it with {@link ContentAddressedBlobs#publish}, and close
 * it (try-with-resources) to delete the temp file: on success and on every error path alike.
 */
public record StagedUpload(Path path, String sha256, long sizeBytes) implements AutoCloseable {

    /** A fresh stream over the staged bytes; the caller closes it. */
    public InputStream open() throws IOException {
        return Files.newInputStream(path);
    }

    /** Deletes the temp file; idempotent. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete staged upload " + path, e);
        }
    }
}
