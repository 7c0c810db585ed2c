package io.quantizer.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quantizer.system.ApiException;

/**
 * First step of every model and data set upload: streams the incoming bytes to a temp file in
 * {@code quantizer.upload.temp-dir} while computing their SHA-256 and enforcing {@code quantizer.upload.max-size}.
 * Memory use is one small copy buffer whatever the upload size. On any failure (too large, client gone, disk
 * full) the temp file is deleted before the exception leaves; on success the caller owns the
 * {@link StagedUpload} and closes it.
 * <pre>{@code
 * try (StagedUpload staged = stager.stage(file, "model")) {
 *     ModelSignature signature = reader.read(staged.path());   // validate first: nothing stored yet
 *     String key = blobs.publish(staged);
 *     ... save the row with staged.sha256(), staged.sizeBytes(), key ...
 * }
 * }</pre>
 * Bytes received are counted in the Micrometer counter {@code quantizer.upload.bytes} tagged {@code kind}
 * (rejected uploads included, since they cost the same bandwidth).
 */
@Component
public class UploadStager {

    private static final Logger log = LoggerFactory.getLogger(UploadStager.class);
    private static final String TEMP_PREFIX = "upload-";
    private static final String TEMP_SUFFIX = ".part";
    /** Leftovers of a crashed process are removed at startup once they are this old. */
    private static final Duration STALE_AFTER = Duration.ofHours(1);

    private final long maxBytes;
    private final long maxTotalBytes;
    private final Path tempDir;
    private final MeterRegistry meters;

    public UploadStager(UploadProperties properties, MeterRegistry meters) throws IOException {
        this.maxBytes = properties.maxSize().toBytes();
        this.maxTotalBytes = properties.maxModelSize().toBytes();
        this.tempDir = Files.createDirectories(properties.tempDir().toAbsolutePath().normalize());
        this.meters = meters;
        deleteStaleTempFiles();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The most a model and its external-data files may weigh together ({@code quantizer.upload.max-model-size}). */
    public long maxTotalBytes() {
        return maxTotalBytes;
    }

    /**
     * Stages a multipart file. The servlet container has already spooled it to disk under the same cap, in this
     * same directory, so the file is moved into place (Tomcat renames its spool file when it can) and hashed
     * by reading it once, rather than written a second time. The multipart file cannot be read afterwards.
     */
    public StagedUpload stage(MultipartFile file, String kind) throws IOException {
        if (file.getSize() > maxBytes) {
            throw new ApiException.PayloadTooLarge(maxBytes);
        }
        Path temp = Files.createTempFile(tempDir, TEMP_PREFIX, TEMP_SUFFIX);
        try {
            file.transferTo(temp.toFile());
            long size = Files.size(temp);
            received(kind).increment(size);
            if (size > maxBytes) {
                throw new ApiException.PayloadTooLarge(maxBytes);
            }
            return new StagedUpload(temp, sha256Of(temp), size);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Copies {@code content} (not closed here) to a new temp file.
     *
     * @param kind what is uploaded ({@code model}, {@code dataset}); the metric tag
     * @throws ApiException.PayloadTooLarge as soon as more than {@code max-size} bytes arrive
     */
    public StagedUpload stage(InputStream content, String kind) throws IOException {
        Counter received = received(kind);
        Path temp = Files.createTempFile(tempDir, TEMP_PREFIX, TEMP_SUFFIX);
        try {
            MessageDigest digest = sha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                size = copyWithLimit(content, out, received);
            }
            return new StagedUpload(temp, HexFormat.of().formatHex(digest.digest()), size);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private long copyWithLimit(InputStream in, OutputStream out, Counter received) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            received.increment(n);
            total += n;
            if (total > maxBytes) {
                throw new ApiException.PayloadTooLarge(maxBytes);
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    private Counter received(String kind) {
        return Counter.builder("quantizer.upload.bytes")
                .description("Bytes received by model and data set uploads")
                .baseUnit("bytes")
                .tag("kind", kind)
                .register(meters);
    }

    private static String sha256Of(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Deletes staged files and servlet spool files older than an hour: an upload never takes that long to stage,
     * so they are left over by a crashed process. Runs at startup and from the storage sweep.
     *
     * @return how many files were deleted
     */
    public int deleteStaleTempFiles() throws IOException {
        Instant cutoff = Instant.now().minus(STALE_AFTER);
        int deleted = 0;
        try (Stream<Path> files = Files.list(tempDir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                boolean ours = name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
                boolean spool = name.startsWith("upload_") && name.endsWith(".tmp");
                if ((ours || spool) && Files.isRegularFile(file)
                        && Files.getLastModifiedTime(file).compareTo(FileTime.from(cutoff)) < 0) {
                    log.info("Deleting upload left over by an earlier run: {}", file);
                    if (Files.deleteIfExists(file)) {
                        deleted++;
                    }
                }
            }
        }
        return deleted;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
