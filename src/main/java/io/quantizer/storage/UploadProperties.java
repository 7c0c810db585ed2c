package io.quantizer.storage;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code quantizer.upload.*}: limits and scratch space of model and data set uploads.
 *
 * @param maxSize the largest file one upload may carry; larger ones get 413, decided from Content-Length before
 *                the body is read where the client sends one, and always while streaming
 * @param tempDir where uploads are staged while their SHA-256 is computed (also the servlet container's
 *                multipart spool); must be private to this process and have room for the largest upload
 */
@ConfigurationProperties("quantizer.upload")
public record UploadProperties(
        @DefaultValue("2GB") DataSize maxSize,
        @DefaultValue("./data/tmp/uploads") Path tempDir) {

    /**
     * Room for the multipart framing and small form fields (like {@code name}) around the file, so a file of
     * exactly {@code maxSize} is still accepted when sent as multipart.
     */
    public static final DataSize MULTIPART_OVERHEAD = DataSize.ofMegabytes(1);

    /** The largest request body accepted. */
    public long maxRequestBytes() {
        return maxSize.toBytes() + MULTIPART_OVERHEAD.toBytes();
    }
}
