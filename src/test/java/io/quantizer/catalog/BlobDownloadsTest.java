package io.quantizer.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.storage.ForwardingObjectStore;
import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.filesystem.FilesystemObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.Resource;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Downloads through Spring MVC's real response handling, on a store that counts its reads: whatever the
 * {@code Range} header asks, the object is opened at most once and never read past what is sent.
 */
class BlobDownloadsTest {

    private static final String SHA = "ab".repeat(32);
    private static final int SIZE = 100_000;

    @TempDir
    Path dir;

    private final byte[] bytes = new byte[SIZE];
    private CountingStore store;
    private MockMvc mvc;

    @BeforeEach
    void storeOneBlob() throws IOException {
        for (int i = 0; i < SIZE; i++) {
            bytes[i] = (byte) (i * 31);
        }
        store = new CountingStore(new FilesystemObjectStore(dir));
        store.put(ContentAddressedBlobs.keyFor(SHA), new ByteArrayInputStream(bytes), SIZE);
        store.opens.set(0);
        BlobDownloads downloads = new BlobDownloads(new ContentAddressedBlobs(store));
        mvc = MockMvcBuilders.standaloneSetup(new Downloads(downloads)).build();
    }

    @RestController
    static final class Downloads {
        private final BlobDownloads downloads;

        Downloads(BlobDownloads downloads) {
            this.downloads = downloads;
        }

        @GetMapping("/blob")
        ResponseEntity<Resource> blob(@RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch,
                                      @RequestHeader(name = "Range", required = false) String range)
                throws IOException {
            return downloads.download(SHA, SIZE, "blob.onnx", ifNoneMatch, range);
        }
    }

    private MockHttpServletResponse fetch(String range) throws Exception {
        return mvc.perform(range == null ? get("/blob") : get("/blob").header("Range", range)).andReturn()
                .getResponse();
    }

    @Test
    void aWholeDownloadReadsTheObjectOnce() throws Exception {
        MockHttpServletResponse response = fetch(null);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsByteArray()).isEqualTo(bytes);
        assertThat(response.getHeader("Accept-Ranges")).isEqualTo("bytes");
        assertThat(response.getHeader("Content-Length")).isEqualTo(String.valueOf(SIZE));
        assertThat(store.opens).hasValue(1);
    }

    @Test
    void oneRangeIsOneRangedReadOfJustThoseBytes() throws Exception {
        MockHttpServletResponse response = fetch("bytes=90000-90099");

        assertThat(response.getStatus()).isEqualTo(206);
        assertThat(response.getContentAsByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 90_000, 90_100));
        assertThat(response.getHeader("Content-Range")).isEqualTo("bytes 90000-90099/" + SIZE);
        assertThat(response.getHeader("Content-Length")).isEqualTo("100");
        assertThat(store.ranges).containsExactly("90000+100");
        assertThat(store.opens).hasValue(1);
    }

    @Test
    void aSuffixRangeIsServedFromTheEnd() throws Exception {
        MockHttpServletResponse response = fetch("bytes=-10");

        assertThat(response.getStatus()).isEqualTo(206);
        assertThat(response.getContentAsByteArray()).isEqualTo(Arrays.copyOfRange(bytes, SIZE - 10, SIZE));
        assertThat(response.getHeader("Content-Range")).isEqualTo("bytes " + (SIZE - 10) + "-" + (SIZE - 1) + "/"
                + SIZE);
    }

    @Test
    void manyOverlappingRangesGetTheWholeBodyFromOneRead() throws Exception {
        StringJoiner ranges = new StringJoiner(",", "bytes=", "");
        for (int i = 0; i < 99; i++) {
            ranges.add(i % 2 == 0 ? "0-" : "99990-99999");
        }

        MockHttpServletResponse response = fetch(ranges.toString());

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsByteArray()).isEqualTo(bytes);
        assertThat(response.getContentType()).isEqualTo("application/octet-stream");
        assertThat(store.opens).hasValue(1);
        assertThat(store.bytesRead).hasValue(SIZE);
    }

    @Test
    void aRangePastTheEndOrMalformedIs416WithoutReadingTheStore() throws Exception {
        for (String range : List.of("bytes=" + SIZE + "-", "bytes=abc", "items=0-1")) {
            MockHttpServletResponse response = fetch(range);

            assertThat(response.getStatus()).as(range).isEqualTo(416);
            assertThat(response.getHeader("Content-Range")).as(range).isEqualTo("bytes */" + SIZE);
        }
        assertThat(store.opens).hasValue(0);
    }

    @Test
    void aMatchingETagIs304WithoutReadingTheStore() throws Exception {
        MockHttpServletResponse response = mvc.perform(get("/blob").header("If-None-Match", "\"" + SHA + "\""))
                .andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(304);
        assertThat(store.opens).hasValue(0);
    }

    /** Counts how often the object is opened and how many bytes are read from it. */
    private static final class CountingStore extends ForwardingObjectStore {
        final AtomicInteger opens = new AtomicInteger();
        final AtomicLong bytesRead = new AtomicLong();
        final List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();

        CountingStore(ObjectStore real) {
            super(real);
        }

        @Override
        public Optional<InputStream> open(String key) throws IOException {
            opens.incrementAndGet();
            return real.open(key).map(this::counted);
        }

        @Override
        public Optional<InputStream> open(String key, long offset, long length) throws IOException {
            opens.incrementAndGet();
            ranges.add(offset + "+" + length);
            return real.open(key, offset, length).map(this::counted);
        }

        private InputStream counted(InputStream in) {
            return new java.io.FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        bytesRead.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        bytesRead.addAndGet(n);
                    }
                    return n;
                }
            };
        }
    }
}
