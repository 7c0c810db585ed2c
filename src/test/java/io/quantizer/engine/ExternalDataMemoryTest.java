package io.quantizer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quantizer.engine.onnx.DecoderModels;

/**
 * A model in external-data form is quantized and evaluated in a JVM whose heap is smaller than its weights: the
 * engine maps the fp32 weights from their files (never copying them all onto the heap) and streams the result's
 * large tensors into its data file, so the heap holds the weights being quantized plus the int8 result.
 */
class ExternalDataMemoryTest {

    /** About 105 MB of fp32 weights. */
    private static final DecoderModels.Shape SHAPE = new DecoderModels.Shape(4096, 512, 2048, 12);
    private static final String HEAP = "-Xmx96m";

    @TempDir
    Path dir;

    @Test
    void quantizingNeedsLessHeapThanTheWeights() throws Exception {
        Path model = DecoderModels.write(dir.resolve("fp32"), SHAPE, 9);
        Path calibration = new TestData().longs("input_ids", DecoderModels.tokenIds(8, 16, SHAPE.vocab(), 4), 8, 16)
                .write(dir.resolve("calibration.npz"));
        Path out = dir.resolve("out/model.int8.onnx");

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-cp", System.getProperty("java.class.path"), ExternalDataMemoryProbe.class.getName(),
                model.toString(), calibration.toString(), out.toString(), dir.resolve("work").toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(child.exitValue()).as(output).isZero();
        long peakHeap = Long.parseLong(output.lines().filter(l -> l.startsWith("peakHeap=")).findFirst()
                .orElseThrow().substring("peakHeap=".length()));
        assertThat(peakHeap).as("peak heap against %d bytes of weights", SHAPE.weightBytes())
                .isLessThan(SHAPE.weightBytes() * 9 / 10);
        assertThat(Double.parseDouble(output.lines().filter(l -> l.startsWith("cosine=")).findFirst().orElseThrow()
                .substring("cosine=".length()))).isGreaterThanOrEqualTo(0.99);
        assertThat(Files.size(out.resolveSibling("model.int8.onnx.data"))).isGreaterThan(SHAPE.weightBytes() / 5);
    }
}
