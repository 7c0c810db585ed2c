package io.quantizer.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import io.quantizer.storage.ContentAddressedBlobs;

/**
 * Streams a stored blob as a download: byte-identical, with a file name, its SHA-256 as a strong ETag (so
 * {@code If-None-Match} answers 304), its length, and single-range {@code Range} support (resumable downloads).
 * The body is copied from the store as it is sent.
 *
 * <p>Every response reads the store at most once. A single range is one ranged read (206, or 416 when it lies
 * past the end or cannot be parsed). A request for several ranges is answered with the whole body (200), as
 * RFC 9110 allows: serving each part would open the object once per range, so {@code bytes=0-,0-,0-,...} could
 * make one request read it a hundred times. The body is an {@link InputStreamResource}, which Spring never
 * slices into regions itself.
 */
@Component
public class BlobDownloads {

    private final ContentAddressedBlobs blobs;

    BlobDownloads(ContentAddressedBlobs blobs) {
        this.blobs = blobs;
    }

    public ResponseEntity<Resource> download(String sha256, long sizeBytes, String filename, String ifNoneMatch,
                                             String range) throws IOException {
        String etag = "\"" + sha256 + "\"";
        if (ifNoneMatch != null && (ifNoneMatch.equals("*") || ifNoneMatch.contains(etag))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        HttpHeaders headers = new HttpHeaders();
        headers.setContentDisposition(ContentDisposition.attachment().filename(filename, StandardCharsets.UTF_8)
                .build());
        headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
        headers.setETag(etag);
        headers.setContentType(MediaType.APPLICATION_OCTET_STREAM);
        if (range == null || range.isBlank() || range.contains(",")) {
            headers.setContentLength(sizeBytes);
            return ResponseEntity.ok().headers(headers).body(new InputStreamResource(
                    blobs.open(sha256).orElseThrow(() -> missing(sha256))));
        }
        long start;
        long end;
        try {
            List<HttpRange> ranges = HttpRange.parseRanges(range);
            start = ranges.get(0).getRangeStart(sizeBytes);
            end = ranges.get(0).getRangeEnd(sizeBytes);
            if (start >= sizeBytes || end < start) {
                throw new IllegalArgumentException("the range starts past the end");
            }
        } catch (IllegalArgumentException e) {
            return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).eTag(etag)
                    .header(HttpHeaders.CONTENT_RANGE, "bytes */" + sizeBytes).build();
        }
        long length = end - start + 1;
        headers.setContentLength(length);
        headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + sizeBytes);
        return ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).headers(headers)
                .body(new InputStreamResource(
                        blobs.open(sha256, start, length).orElseThrow(() -> missing(sha256))));
    }

    private static IllegalStateException missing(String sha256) {
        return new IllegalStateException("the blob " + sha256 + " of a stored row is missing from object storage");
    }

    /** {@code name} with {@code extension} appended unless it already ends with it. */
    public static String filename(String name, String extension) {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(extension) ? name : name + extension;
    }
}
