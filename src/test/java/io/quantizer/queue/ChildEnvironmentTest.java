package io.quantizer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine child never sees the worker's secrets: only the variables a JVM needs, HOME and TMPDIR its own. */
class ChildEnvironmentTest {

    @TempDir
    Path dir;

    private static Map<String, String> workerWithSecrets() {
        Map<String, String> worker = new HashMap<>(System.getenv());
        worker.put("SPRING_DATASOURCE_PASSWORD", "db-secret");
        worker.put("QUANTIZER_STORAGE_S3_SECRET_KEY", "s3-secret");
        worker.put("AWS_SECRET_ACCESS_KEY", "aws-secret");
        worker.put("AWS_SESSION_TOKEN", "aws-token");
        worker.put("JAVA_TOOL_OPTIONS", "-Dspring.datasource.password=db-secret");
        worker.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        worker.put("LANG", "C.UTF-8");
        return worker;
    }

    @Test
    void theChildGetsOnlyTheListedVariablesWithHomeAndTmpInItsWorkDir() {
        Map<String, String> child = ChildEnvironment.of(workerWithSecrets(), dir);

        assertThat(child.keySet()).isSubsetOf(withHomeAndTmp(ChildEnvironment.PASSED_THROUGH));
        assertThat(child).containsEntry("PATH", "/usr/local/bin:/usr/bin:/bin").containsEntry("LANG", "C.UTF-8")
                .containsEntry("HOME", dir.toAbsolutePath().toString())
                .containsEntry("TMPDIR", dir.toAbsolutePath().resolve("tmp").toString());
        assertThat(child.values()).noneMatch(v -> v.contains("secret") || v.contains("token"));
    }

    @Test
    void aProcessBuilderKeepsNothingInheritedFromTheWorker() {
        ProcessBuilder builder = ChildEnvironment.apply(new ProcessBuilder("true"), workerWithSecrets(), dir);

        assertThat(builder.environment()).doesNotContainKeys("SPRING_DATASOURCE_PASSWORD",
                "QUANTIZER_STORAGE_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "JAVA_TOOL_OPTIONS");
        // whatever this test JVM's own environment holds beyond the list is gone too
        assertThat(builder.environment().keySet()).isSubsetOf(withHomeAndTmp(ChildEnvironment.PASSED_THROUGH));
    }

    @Test
    void aRealChildJvmStartsWithTheMinimalEnvironmentAndSeesNoSecret() throws Exception {
        Files.createDirectories(dir.resolve("tmp"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), EngineChild.class.getName(), ScriptedChild.class.getName(),
                "env", "exit:0");

        List<String> printed = new ArrayList<>();
        try (EngineProcess child = EngineProcess.start(command, dir, "env-child", workerWithSecrets())) {
            while (!child.finished()) {
                String line = child.nextLine(Duration.ofMillis(100));
                if (line != null && line.startsWith("env ")) {
                    printed.add(line.substring("env ".length()));
                }
            }
            assertThat(child.waitForExit()).isZero();
        }

        assertThat(printed).contains("HOME=" + dir.toAbsolutePath(), "TMPDIR=" + dir.toAbsolutePath().resolve("tmp"),
                "PATH=/usr/local/bin:/usr/bin:/bin");
        assertThat(printed).noneMatch(line -> line.contains("secret") || line.contains("token")
                || line.startsWith("SPRING_") || line.startsWith("QUANTIZER_") || line.startsWith("AWS_"));
        assertThat(printed).allMatch(line -> withHomeAndTmp(ChildEnvironment.PASSED_THROUGH)
                .contains(line.substring(0, line.indexOf('='))));
    }

    private static List<String> withHomeAndTmp(List<String> names) {
        List<String> all = new ArrayList<>(names);
        all.addAll(List.of("HOME", "TMPDIR"));
        return all;
    }
}
