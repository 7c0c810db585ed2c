package io.quantizer.catalog;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import io.quantizer.storage.ContentAddressedBlobs;

/**
 * Streams a stored blob as a download: byte-identical, with a file name, its SHA-256 as a strong ETag (so
 * {@code If-None-Match} answers 304), its length, and {@code Range} support. The body is copied from the store
 * as it is sent.
 */
@Component
public class BlobDownloads {

    private final ContentAddressedBlobs blobs;

    BlobDownloads(ContentAddressedBlobs blobs) {
        this.blobs = blobs;
    }

    public ResponseEntity<Resource> download(String sha256, long sizeBytes, String filename, String ifNoneMatch)
            throws IOException {
        String etag = "\"" + sha256 + "\"";
        if (ifNoneMatch != null && (ifNoneMatch.equals("*") || ifNoneMatch.contains(etag))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        if (!blobs.exists(sha256)) {
            throw new IllegalStateException("the blob " + sha256 + " of a stored row is missing from object storage");
        }
        HttpHeaders headers = new HttpHeaders();
        headers.setContentDisposition(ContentDisposition.attachment().filename(filename, StandardCharsets.UTF_8)
                .build());
        return ResponseEntity.ok()
                .headers(headers)
                .eTag(etag)
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                // no explicit Content-Length: Spring takes it from the resource, and for a Range request from the
                // part it sends
                .body(new BlobResource(sha256, sizeBytes));
    }

    /**
     * A stored blob of known length that opens a fresh stream on every {@link #getInputStream()}, so Spring can
     * stream it whole or serve {@code Range} requests (resumable downloads) without buffering it.
     */
    private final class BlobResource extends AbstractResource {

        private final String sha256;
        private final long sizeBytes;

        BlobResource(String sha256, long sizeBytes) {
            this.sha256 = sha256;
            this.sizeBytes = sizeBytes;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return blobs.open(sha256).orElseThrow(() -> new FileNotFoundException("blob " + sha256 + " is gone"));
        }

        @Override
        public long contentLength() {
            return sizeBytes;
        }

        @Override
        public String getDescription() {
            return "blob " + sha256;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof BlobResource blob && blob.sha256.equals(sha256);
        }

        @Override
        public int hashCode() {
            return sha256.hashCode();
        }
    }

    /** {@code name} with {@code extension} appended unless it already ends with it. */
    public static String filename(String name, String extension) {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(extension) ? name : name + extension;
    }
}
