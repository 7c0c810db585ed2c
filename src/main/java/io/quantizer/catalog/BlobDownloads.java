package io.quantizer.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.InputStreamResource;
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
 * {@code If-None-Match} answers 304) and its length. The body is copied from the store as it is sent.
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
        InputStream content = blobs.open(sha256).orElseThrow(() -> new IllegalStateException(
                "the blob " + sha256 + " of a stored row is missing from object storage"));
        HttpHeaders headers = new HttpHeaders();
        headers.setContentDisposition(ContentDisposition.attachment().filename(filename, StandardCharsets.UTF_8)
                .build());
        return ResponseEntity.ok()
                .headers(headers)
                .eTag(etag)
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(sizeBytes)
                .body(new InputStreamResource(content));
    }

    /** {@code name} with {@code extension} appended unless it already ends with it. */
    public static String filename(String name, String extension) {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(extension) ? name : name + extension;
    }
}
