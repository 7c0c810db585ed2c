package io.quantizer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.util.unit.DataSize;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quantizer.system.ApiException;

class UploadStagerTest {

    private static final int MAX = 100_000;

    @TempDir
    Path tempDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private UploadStager stager;

    @BeforeEach
    void createStager() throws IOException {
        stager = new UploadStager(new UploadProperties(DataSize.ofBytes(MAX), tempDir), meters);
    }

    @Test
    void stagesBytesWithTheirHashAndSize() throws Exception {
        byte[] bytes = randomBytes(MAX);

        try (StagedUpload staged = stager.stage(new ByteArrayInputStream(bytes), "model")) {
            assertThat(staged.sizeBytes()).isEqualTo(MAX);
            assertThat(staged.sha256()).isEqualTo(sha256(bytes));
            assertThat(staged.path()).hasBinaryContent(bytes).startsWith(tempDir);
            try (InputStream in = staged.open()) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
        }
        assertThat(filesIn(tempDir)).isZero();
    }

    @Test
    void emptyUploadsAreStagedToo() throws Exception {
        try (StagedUpload staged = stager.stage(InputStream.nullInputStream(), "dataset")) {
            assertThat(staged.sizeBytes()).isZero();
            assertThat(staged.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        }
    }

    @Test
    void oneByteOverTheCapIsRefusedAndLeavesNothing() throws IOException {
        assertThatThrownBy(() -> stager.stage(new ByteArrayInputStream(new byte[MAX + 1]), "model"))
                .isInstanceOf(ApiException.PayloadTooLarge.class)
                .hasMessageContaining(String.valueOf(MAX));

        assertThat(filesIn(tempDir)).isZero();
    }

    @Test
    void overCapIsDetectedWhileStreamingWithoutReadingEverything() throws IOException {
        CountingStream endless = new CountingStream();

        assertThatThrownBy(() -> stager.stage(endless, "model")).isInstanceOf(ApiException.PayloadTooLarge.class);

        assertThat(endless.served).isLessThan(MAX + 128 * 1024);
        assertThat(filesIn(tempDir)).isZero();
    }

    @Test
    void failingClientStreamLeavesNothing() throws IOException {
        InputStream broken = new InputStream() {
            private int left = 5000;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    throw new IOException("connection reset");
                }
                left--;
                return 1;
            }
        };

        assertThatThrownBy(() -> stager.stage(broken, "dataset")).isInstanceOf(IOException.class)
                .hasMessage("connection reset");
        assertThat(filesIn(tempDir)).isZero();
    }

    @Test
    void stagesMultipartFiles() throws Exception {
        byte[] bytes = randomBytes(5000);

        try (StagedUpload staged = stager.stage(new MockMultipartFile("file", "m.onnx", null, bytes), "model")) {
            assertThat(staged.sha256()).isEqualTo(sha256(bytes));
            assertThat(staged.sizeBytes()).isEqualTo(5000);
            assertThat(staged.path()).hasBinaryContent(bytes);
        }
        assertThat(filesIn(tempDir)).isZero();
        assertThat(meters.get("quantizer.upload.bytes").tag("kind", "model").counter().count()).isEqualTo(5000);
    }

    @Test
    void multipartFileDeclaredOverTheCapIsRefusedBeforeReading() throws IOException {
        MockMultipartFile file = new MockMultipartFile("file", new byte[MAX + 1]);

        assertThatThrownBy(() -> stager.stage(file, "model")).isInstanceOf(ApiException.PayloadTooLarge.class);
        assertThat(filesIn(tempDir)).isZero();
    }

    @Test
    void countsReceivedBytesPerKind() throws Exception {
        stager.stage(new ByteArrayInputStream(new byte[1000]), "model").close();
        stager.stage(new ByteArrayInputStream(new byte[300]), "dataset").close();
        stager.stage(new ByteArrayInputStream(new byte[24]), "model").close();

        assertThat(meters.get("quantizer.upload.bytes").tag("kind", "model").counter().count()).isEqualTo(1024);
        assertThat(meters.get("quantizer.upload.bytes").tag("kind", "dataset").counter().count()).isEqualTo(300);
    }

    @Test
    void removesStaleLeftoversAtStartupButNotFreshFiles() throws IOException {
        Path stale = Files.write(tempDir.resolve("upload-1.part"), new byte[] {1});
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        Path fresh = Files.write(tempDir.resolve("upload-2.part"), new byte[] {1});
        Path foreign = Files.write(tempDir.resolve("other.bin"), new byte[] {1});
        Files.setLastModifiedTime(foreign, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));

        new UploadStager(new UploadProperties(DataSize.ofBytes(MAX), tempDir), meters);

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(foreign).exists();
    }

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(1).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Serves zeros forever and counts them. */
    private static final class CountingStream extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            served += len;
            return len;
        }
    }
}
