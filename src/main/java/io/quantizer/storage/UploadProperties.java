package io.quantizer.storage;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code quantizer.upload.*}: limits and scratch space of model and data set uploads.
 *
 * @param maxSize       the largest file one upload may carry; larger ones get 413, decided from Content-Length
 *                      before the body is read where the client sends one, and always while streaming
 * @param tempDir       where uploads are staged while their SHA-256 is computed (also the servlet container's
 *                      multipart spool); must be private to this process and have room for the largest upload
 * @param maxConcurrent uploads staged at once by this instance; more get 503 with Retry-After
 * @param minFreeSpace  free space the staging disk keeps beyond the uploads admitted; an upload that would
 *                      eat into it gets 503 with Retry-After instead of filling the disk (and the pod being
 *                      evicted)
 * @param retryAfter    what the 503's Retry-After tells the client
 * @param maxModelSize  the most a model upload may carry in all: the .onnx plus its external-data files (each of
 *                      which is also held to {@code maxSize}); larger ones get 413. Defaults to 8 times
 *                      {@code maxSize} (16GB with the default {@code maxSize})
 */
@ConfigurationProperties("quantizer.upload")
public record UploadProperties(
        @DefaultValue("2GB") DataSize maxSize,
        @DefaultValue("./data/tmp/uploads") Path tempDir,
        @DefaultValue("8") int maxConcurrent,
        @DefaultValue("512MB") DataSize minFreeSpace,
        @DefaultValue("30s") Duration retryAfter,
        DataSize maxModelSize) {

    private static final int MODEL_SIZE_FACTOR = 8;

    @ConstructorBinding
    public UploadProperties {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("quantizer.upload.max-concurrent must be at least 1");
        }
        if (maxModelSize == null || maxModelSize.toBytes() <= 0) {
            maxModelSize = DataSize.ofBytes(Math.multiplyHigh(maxSize.toBytes(), MODEL_SIZE_FACTOR) == 0
                    ? maxSize.toBytes() * MODEL_SIZE_FACTOR : Long.MAX_VALUE / 2);
        }
        if (maxModelSize.compareTo(maxSize) < 0) {
            maxModelSize = maxSize;
        }
    }

    /** The size limit and staging directory with the default admission settings and model size. */
    public UploadProperties(DataSize maxSize, Path tempDir) {
        this(maxSize, tempDir, 8, DataSize.ofMegabytes(512), Duration.ofSeconds(30), null);
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
