package io.quantizer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl;
import io.quantizer.model.onnx.OnnxMetadataReader;

/**
 * A 1 GiB model goes through upload staging and metadata reading in a JVM with a 96 MiB heap: neither step
 * holds the weights, and neither loads ONNX Runtime (the API process must not). The size can be changed with
 * {@code -Dquantizer.test.large-model-floats=N}.
 */
class LargeModelUploadMemoryTest {

    private static final long FLOATS = Long.getLong("quantizer.test.large-model-floats", 256L * 1024 * 1024);
    private static final String HEAP = "-Xmx96m";

    @TempDir
    Path dir;

    @Test
    void generatedModelsAreValidOnnx() throws IOException {
        Path file = LargeModelFile.write(dir.resolve("small.onnx"), 1000);

        OnnxMl.ModelProto parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = OnnxMl.ModelProto.parseFrom(in);
        }
        assertThat(parsed.getGraph().getInitializer(0).getRawData().size()).isEqualTo(4000);
        assertThat(new OnnxMetadataReader().read(file).parameterCount()).isEqualTo(1000);
    }

    @Test
    void aOneGigabyteModelNeedsNoGigabyteOfHeap() throws Exception {
        long bytesNeeded = 2 * FLOATS * 4 + (256L << 20);
        assumeThat(Files.getFileStore(dir).getUsableSpace()).as("free disk for the model and its staged copy")
                .isGreaterThan(bytesNeeded);
        Path model = LargeModelFile.write(dir.resolve("large.onnx"), FLOATS);
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path classLog = dir.resolve("classes.log");

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-Xlog:class+load=info:file=" + classLog, "-cp", System.getProperty("java.class.path"), LargeModelUploadProbe.class.getName(),
                model.toString(), staging.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("sha256=" + sha256(model))
                .contains("size=" + Files.size(model))
                .contains("parameters=" + FLOATS)
                .contains("TensorSignature[name=x, elementType=float32, shape=[" + FLOATS + "]");
        long maxHeap = Long.parseLong(output.lines().filter(l -> l.startsWith("maxHeap=")).findFirst()
                .orElseThrow().substring("maxHeap=".length()));
        assertThat(maxHeap).isLessThan(Files.size(model) / 10);
        String loaded = Files.readString(classLog);
        assertThat(loaded).contains(OnnxMetadataReader.class.getName()).doesNotContain("ai.onnxruntime");
        try (var left = Files.list(staging)) {
            assertThat(left.toList()).as("staged temp files").isEqualTo(List.of());
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
