package io.quantizer.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quantizer.engine.TestData;
import io.quantizer.engine.TinyModels;

/**
 * The engine's main as the worker starts it: a child JVM with the launcher's default main-thread stack (1 MiB),
 * on which ONNX Runtime's session creation overflowed and the JVM died with SIGSEGV before any line was printed.
 */
class EngineMainProcessTest {

    @TempDir
    Path dir;

    @Test
    void theEngineRunsInAChildJvmWithTheDefaultStack() throws Exception {
        Path model = Files.write(dir.resolve("classifier.onnx"), TinyModels.classifier().toByteArray());
        Path data = new TestData().floats("x", TestData.uniform(new Random(3), 16 * 64, 0f, 1f), 16, 1, 8, 8)
                .write(dir.resolve("c.npz"));
        assertChildSucceeds(model, data);
    }

    @Test
    void aModelWithNestedSubgraphsRunsInAChildJvm() throws Exception {
        Path model = Path.of(System.getProperty("quantizer.test.shared-dir", "../shared"))
                .resolve("corpus/models/silero_vad_16k_op15.onnx");
        assumeTrue(Files.exists(model), "no corpus");
        int n = 8;
        Random random = new Random(3);
        float[] audio = new float[n * 512];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * random.nextGaussian());
        }
        long[] rate = new long[n];
        Arrays.fill(rate, 16_000L);
        Path data = new TestData().floats("input", audio, n, 1, 512).floats("state", new float[n * 256], n, 2, 1, 128)
                .longs("sr", rate, n).write(dir.resolve("c.npz"));
        assertChildSucceeds(model, data);
    }

    private void assertChildSucceeds(Path model, Path data) throws Exception {
        Path report = dir.resolve("report.json");
        Path log = dir.resolve("child.log");

        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), EngineMain.class.getName(),
                "--model", model.toString(), "--calibration", data.toString(),
                "--output-model", dir.resolve("q.onnx").toString(), "--output-report", report.toString(),
                "--threads", "1"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(report).exists();
        assertThat(output).contains(EngineProtocol.progressLine(EngineProtocol.Stage.EVALUATING, 1));
    }
}
