package io.quantizer.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.job.StaleAttemptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor against real child JVMs whose behaviour a script decides. */
class EngineSupervisorTest {

    @TempDir
    Path dir;

    private final List<String> progress = new CopyOnWriteArrayList<>();
    private final AtomicBoolean owned = new AtomicBoolean(true);
    private final AtomicBoolean shuttingDown = new AtomicBoolean(false);

    private final AttemptControl control = new AttemptControl() {
        @Override
        public void progress(Stage stage, double fraction) {
            if (!owned.get()) {
                throw new StaleAttemptException("cancelled");
            }
            progress.add(stage + "@" + fraction);
        }

        @Override
        public boolean stillOwned() {
            return owned.get();
        }

        @Override
        public boolean shuttingDown() {
            return shuttingDown.get();
        }
    };

    private static List<String> child(String heap, String... steps) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), EngineChild.class.getName(), ScriptedChild.class.getName()));
        command.addAll(List.of(steps));
        return command;
    }

    private EngineOutcome run(Duration timeout, List<String> command) throws Exception {
        return new EngineSupervisor(timeout, Duration.ofMillis(50)).run(command, dir, "test-child", control);
    }

    @Test
    void forwardsProgressThrottledAndReportsACleanExit() throws Exception {
        EngineOutcome outcome = run(Duration.ofMinutes(1), child("64m", "print:hello",
                "progress:CALIBRATING:0.0", "progress:CALIBRATING:0.001", "sleep:300", "progress:CALIBRATING:0.5",
                "progress:CALIBRATING:0.505", "progress:QUANTIZING:0.0",
                "progress:EVALUATING:1.0", "exit:0"));

        assertThat(outcome.kind()).isEqualTo(EngineOutcome.Kind.COMPLETED);
        assertThat(outcome.exitCode()).isZero();
        assertThat(progress).containsExactly("CALIBRATING@0.0", "CALIBRATING@0.5", "QUANTIZING@0.0",
                "EVALUATING@1.0");
        assertThat(outcome.tail()).containsExactly("hello");
        assertThat(outcome.untilFirstLine()).isPositive().isLessThanOrEqualTo(outcome.elapsed());
    }

    @Test
    void keepsTheEnginesErrorLineAndExitCode() throws Exception {
        EngineOutcome outcome = run(Duration.ofMinutes(1), child("64m", "print:loading",
                "error:Load model from model.onnx failed: Protobuf parsing failed.", "exit:2"));

        assertThat(outcome.kind()).isEqualTo(EngineOutcome.Kind.EXITED_WITH_ERROR);
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.errorMessage()).isEqualTo("Load model from model.onnx failed: Protobuf parsing failed.");
    }

    /** Linux only: the kernel must pick the engine child, not the worker, when the pod runs out of memory. */
    @Test
    void theChildIsTheOutOfMemoryKillersFirstChoice() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")),
                "no /proc: not Linux");
        try (EngineProcess process = EngineProcess.start(child("64m", "sleep:30000"), dir, "oom-probe")) {
            Path score = Path.of("/proc", Long.toString(process.pid()), "oom_score_adj");
            assertThat(Files.readString(score).trim()).isEqualTo("1000");
            assertThat(Files.readString(Path.of("/proc/self/oom_score_adj")).trim())
                    .as("the worker's own score is untouched").isNotEqualTo("1000");
        }
        assertNoChildLeft();
    }

    @Test
    void killsAChildThatRunsPastTheLimit() throws Exception {
        long started = System.nanoTime();
        EngineOutcome outcome = run(Duration.ofSeconds(2), child("64m", "progress:CALIBRATING:0.1", "sleep:60000"));

        assertThat(outcome.kind()).isEqualTo(EngineOutcome.Kind.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertNoChildLeft();
    }

    @Test
    void killsTheChildOnceTheJobIsNoLongerOwned() throws Exception {
        Thread canceller = new Thread(() -> {
            sleep(1500);
            owned.set(false);
        });
        canceller.start();
        EngineOutcome outcome = run(Duration.ofMinutes(1), child("64m", "progress:CALIBRATING:0.1", "sleep:60000"));
        canceller.join();

        assertThat(outcome.kind()).isEqualTo(EngineOutcome.Kind.LOST_OWNERSHIP);
        assertThat(outcome.elapsed()).isLessThan(Duration.ofSeconds(10));
        assertNoChildLeft();
    }

    @Test
    void handsBackOnShutdown() throws Exception {
        Thread stopper = new Thread(() -> {
            sleep(1500);
            shuttingDown.set(true);
        });
        stopper.start();
        EngineOutcome outcome = run(Duration.ofMinutes(1), child("64m", "sleep:60000"));
        stopper.join();

        assertThat(outcome.kind()).isEqualTo(EngineOutcome.Kind.SHUTDOWN);
        assertNoChildLeft();
    }

    @Test
    void aHeapExhaustedChildIsAnErrorExitWhoseOutputSaysSo() throws Exception {
        EngineOutcome outcome = run(Duration.ofMinutes(1), child("32m", "alloc"));

        assertThat(outcome.kind()).isEqualTo(EngineOutcome.Kind.EXITED_WITH_ERROR);
        assertThat(outcome.tail()).anyMatch(l -> l.contains("java.lang.OutOfMemoryError"));
    }

    @Test
    void aChildWhoseParentGoesAwayExitsByItself() throws Exception {
        Process process = new ProcessBuilder(child("64m", "sleep:60000")).redirectErrorStream(true).start();
        Thread.sleep(500);

        process.getOutputStream().close(); // what the OS does to the pipe when the worker dies

        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(EngineChild.EXIT_ORPHANED);
    }

    private static void assertNoChildLeft() {
        assertThat(ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains(ScriptedChild.class.getName())))
                .isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
