package io.quantizer.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Streams {@code length} bytes into one object: a single PUT when they fit in one part, else a multipart upload
 * of {@code partSize} parts. One part-sized buffer is reused, so memory stays bounded whatever the object size.
 * A failed or short stream aborts the multipart upload, so S3 keeps no orphaned parts.
 */
final class MultipartWriter {

    private static final String OCTET_STREAM = "application/octet-stream";

    private final S3Client client;
    private final String bucket;
    private final int partSize;

    MultipartWriter(S3Client client, String bucket, int partSize) {
        if (partSize < 5 * 1024 * 1024) {
            throw new IllegalArgumentException("S3 part size must be at least 5MB, was " + partSize + " bytes");
        }
        this.client = client;
        this.bucket = bucket;
        this.partSize = partSize;
    }

    int partSize() {
        return partSize;
    }

    void write(String key, InputStream content, long length) throws IOException {
        byte[] buffer = new byte[(int) Math.min(partSize, Math.max(length, 1))];
        int first = readPart(content, buffer, (int) Math.min(buffer.length, length));
        if (length <= partSize) {
            requireComplete(key, first, length);
            client.putObject(b -> b.bucket(bucket).key(key).contentLength(length), body(buffer, first));
            return;
        }
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(OCTET_STREAM))
                .uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long written = 0;
            int n = first;
            while (n > 0) {
                parts.add(uploadPart(key, uploadId, parts.size() + 1, buffer, n));
                written += n;
                if (written >= length) {
                    break;
                }
                n = readPart(content, buffer, (int) Math.min(buffer.length, length - written));
            }
            requireComplete(key, written, length);
            client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            abort(key, uploadId, e);
            throw e;
        }
    }

    private CompletedPart uploadPart(String key, String uploadId, int number, byte[] buffer, int n) {
        UploadPartResponse response = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .partNumber(number).contentLength((long) n), body(buffer, n));
        return CompletedPart.builder().partNumber(number).eTag(response.eTag()).build();
    }

    private void abort(String key, String uploadId, Exception cause) {
        try {
            client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException abortFailed) {
            cause.addSuppressed(abortFailed);
        }
    }

    /** A body that can be replayed on retry without copying the buffer. */
    private static RequestBody body(byte[] buffer, int n) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, n), n, OCTET_STREAM);
    }

    /** Fills {@code buffer[0..wanted)} unless the stream ends first; returns how many bytes were read. */
    private static int readPart(InputStream in, byte[] buffer, int wanted) throws IOException {
        int total = 0;
        while (total < wanted) {
            int n = in.read(buffer, total, wanted - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static void requireComplete(String key, long read, long length) throws IOException {
        if (read != length) {
            throw new IOException("Object " + key + ": expected " + length + " bytes but the stream ended after "
                    + read);
        }
    }
}
