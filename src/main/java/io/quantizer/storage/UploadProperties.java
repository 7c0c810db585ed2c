package io.quantizer.storage;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code quantizer.upload.*}: limits and scratch space of model and data set uploads.
 *
 * @param maxSize the largest file one upload may carry; larger ones get 413, decided from Content-Length before
 *                the body is read where the client sends one, and always while streaming
 * @param tempDir where uploads are staged while their SHA-256 is computed (also the servlet container's
 *                multipart spool); must be private to this process and have room for the largest upload
 * @param maxModelSize the most a model upload may carry in all: the .onnx plus its external-data files (each of
 *                which is also held to {@code maxSize}); larger ones get 413. Defaults to 8 times
 *                {@code maxSize} (16GB with the default {@code maxSize})
 */
@ConfigurationProperties("quantizer.upload")
public record UploadProperties(
        @DefaultValue("2GB") DataSize maxSize,
        @DefaultValue("./data/tmp/uploads") Path tempDir,
        DataSize maxModelSize) {

    private static final int MODEL_SIZE_FACTOR = 8;

    @ConstructorBinding
    public UploadProperties {
        if (maxModelSize == null || maxModelSize.toBytes() <= 0) {
            maxModelSize = DataSize.ofBytes(Math.multiplyHigh(maxSize.toBytes(), MODEL_SIZE_FACTOR) == 0
                    ? maxSize.toBytes() * MODEL_SIZE_FACTOR : Long.MAX_VALUE / 2);
        }
        if (maxModelSize.compareTo(maxSize) < 0) {
            maxModelSize = maxSize;
        }
    }

    /** Limits with {@code maxModelSize} at its default (tests use it). */
    public UploadProperties(DataSize maxSize, Path tempDir) {
        this(maxSize, tempDir, null);
    }

    /**
     * Room for the multipart framing and small form fields (like {@code name}) around the file, so a file of
     * exactly {@code maxSize} is still accepted when sent as multipart.
     */
    public static final DataSize MULTIPART_OVERHEAD = DataSize.ofMegabytes(1);

    /** The largest request body accepted: a model with its external-data files. */
    public long maxRequestBytes() {
        return Math.max(maxSize.toBytes(), maxModelSize.toBytes()) + MULTIPART_OVERHEAD.toBytes();
    }
}
