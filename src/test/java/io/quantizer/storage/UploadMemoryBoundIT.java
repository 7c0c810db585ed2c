package io.quantizer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quantizer.support.S3MockServer;

/**
 * An upload many times larger than the heap goes through staging and into either store: the probe runs in a
 * child JVM with {@value #HEAP} of heap. The size defaults to 256MB; {@code -Dquantizer.test.upload-bytes=1073741824}
 * runs the 1 GB case.
 */
class UploadMemoryBoundIT {

    private static final String HEAP = "-Xmx32m";
    private static final long SIZE = Long.getLong("quantizer.test.upload-bytes", 256L * 1024 * 1024);

    @TempDir
    Path work;

    @Test
    void filesystemUploadNeedsNoHeapProportionalToItsSize() throws Exception {
        assertThat(runProbe()).isEqualTo(expectedSha256() + " " + SIZE);
    }

    @Test
    void s3UploadNeedsNoHeapProportionalToItsSize() throws Exception {
        assertThat(runProbe(S3MockServer.endpoint().toString(), S3MockServer.BUCKET))
                .isEqualTo(expectedSha256() + " " + SIZE);
    }

    private String runProbe(String... storeArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-cp", System.getProperty("java.class.path"), UploadMemoryProbe.class.getName(),
                String.valueOf(SIZE), work.toString()));
        command.addAll(List.of(storeArgs));
        Path output = work.resolve("probe.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(log).isZero();
        List<String> lines = log.lines().filter(line -> line.matches("[0-9a-f]{64} \\d+")).toList();
        assertThat(lines).as(log).hasSize(1);
        return lines.get(0);
    }

    private static String expectedSha256() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        try (UploadMemoryProbe.GeneratedStream in = new UploadMemoryProbe.GeneratedStream(SIZE)) {
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
