package io.quantizer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class EngineCommandTest {

    private static final EngineCommand.Inputs INPUTS = new EngineCommand.Inputs(Path.of("/w/model.onnx"),
            Path.of("/w/calibration.npz"), null, Path.of("/w/recipe.json"), Path.of("/w/model.int8.onnx"),
            Path.of("/w/report.json"), Path.of("/w/tmp"));

    private static WorkerProperties worker(int threads) {
        return new WorkerProperties(true, 1, "q", Path.of("/w"), DataSize.ofMegabytes(768), Duration.ofMinutes(5),
                threads, "io.quantizer.engine.cli.EngineMain", List.of("-XX:ActiveProcessorCount=2"), "/opt/java",
                3, Duration.ofSeconds(1), Duration.ofMillis(250), 3, DataSize.ofMegabytes(1));
    }

    @Test
    void fromAClassPathTheChildRunsTheEntryPointDirectly() {
        List<String> command = EngineCommand.build(worker(0), new EngineCommand.Launch("/a.jar:/b", false), INPUTS);

        assertThat(command).containsSubsequence("/opt/java", "-Xmx768m", "-Djava.io.tmpdir=/w/tmp",
                "-XX:ActiveProcessorCount=2", "-cp", "/a.jar:/b", EngineChild.class.getName(),
                "io.quantizer.engine.cli.EngineMain", "--model", "/w/model.onnx", "--calibration",
                "/w/calibration.npz", "--recipe", "/w/recipe.json", "--output-model", "/w/model.int8.onnx",
                "--output-report", "/w/report.json");
        assertThat(command).doesNotContain("--evaluation", "--threads", EngineCommand.PROPERTIES_LAUNCHER);
    }

    @Test
    void fromBootsExecutableJarTheChildGoesThroughThePropertiesLauncher() {
        EngineCommand.Inputs withEvaluation = new EngineCommand.Inputs(INPUTS.model(), INPUTS.calibration(),
                Path.of("/w/evaluation.npy"), INPUTS.recipe(), INPUTS.outputModel(), INPUTS.outputReport(),
                INPUTS.tmp());

        List<String> command = EngineCommand.build(worker(2), new EngineCommand.Launch("app.jar", true),
                withEvaluation);

        assertThat(command).containsSubsequence("-cp", "app.jar", "-Dloader.main=" + EngineChild.class.getName(),
                EngineCommand.PROPERTIES_LAUNCHER, "io.quantizer.engine.cli.EngineMain", "--evaluation",
                "/w/evaluation.npy", "--threads", "2");
    }

    @Test
    void theArgumentFileKeepsTheCommandLineShortAndEveryArgumentIntact(@TempDir Path dir) throws Exception {
        String tricky = "print:a path with spaces, \"quotes\" and a back\\slash";
        List<String> full = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), EngineChild.class.getName(), ScriptedChild.class.getName(),
                tricky, "exit:0");

        List<String> command = EngineCommand.viaArgumentFile(full, dir.resolve("engine.args"));

        assertThat(command).hasSize(2);
        assertThat(command.get(1)).startsWith("@");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(child.waitFor()).isZero();
        assertThat(output).isEqualTo(tricky.substring("print:".length()));
    }

    @Test
    void thisTestJvmIsAPlainClassPathLaunch() {
        EngineCommand.Launch launch = EngineCommand.Launch.current();

        assertThat(launch.bootExecutableJar()).isFalse();
        assertThat(launch.classPath().split(java.io.File.pathSeparator)).allMatch(e -> Path.of(e).isAbsolute());
    }

    @Test
    void relativeClassPathEntriesAreMadeAbsoluteForAChildInAnotherDirectory() {
        String here = Path.of("").toAbsolutePath().toString();

        assertThat(EngineCommand.Launch.absolute("app.jar:/opt/lib/x.jar::target/classes"))
                .isEqualTo(here + "/app.jar:/opt/lib/x.jar:" + here + "/target/classes");
    }
}
