package io.quantizer.queue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quantizer.engine.cli.EngineProtocol;
import io.quantizer.engine.cli.EngineProtocol.Progress;
import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.job.StaleAttemptException;

/**
 * Runs one engine child to its end while watching it: forwards its progress lines to the job (throttled, so
 * a fast-moving progress bar does not turn into a write storm), and kills it when the job is cancelled or taken
 * over, when the worker shuts down, or when it runs past the wall-clock limit.
 */
final class EngineSupervisor {

    /** Progress is written when the stage changes, or when it moved by this much, or after this long. */
    private static final double PROGRESS_STEP = 0.01;
    private static final long MIN_WRITE_GAP_NANOS = Duration.ofMillis(200).toNanos();
    private static final long OWNERSHIP_CHECK_GAP_NANOS = Duration.ofMillis(500).toNanos();

    private final Duration timeout;
    private final Duration watchInterval;

    EngineSupervisor(Duration timeout, Duration watchInterval) {
        this.timeout = timeout;
        this.watchInterval = watchInterval;
    }

    EngineOutcome run(List<String> command, Path workDir, String name, AttemptControl control)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        try (EngineProcess child = EngineProcess.start(command, workDir, name)) {
            ProgressThrottle throttle = new ProgressThrottle();
            String error = null;
            long lastOwnershipCheck = started;
            long firstLine = 0;
            while (!child.finished()) {
                String line = child.nextLine(watchInterval);
                if (line != null) {
                    Optional<String> engineError = EngineProtocol.parseError(line);
                    if (engineError.isPresent()) {
                        error = engineError.get();
                    }
                    Optional<Progress> progress = EngineProtocol.parseProgress(line);
                    if (firstLine == 0 && progress.isPresent()) {
                        firstLine = System.nanoTime();
                    }
                    if (progress.isPresent() && throttle.due(progress.get())) {
                        try {
                            control.progress(progress.get().stage(), progress.get().fraction());
                        } catch (StaleAttemptException e) {
                            return stop(child, EngineOutcome.Kind.LOST_OWNERSHIP, started);
                        }
                    }
                }
                long now = System.nanoTime();
                if (control.shuttingDown()) {
                    return stop(child, EngineOutcome.Kind.SHUTDOWN, started);
                }
                if (now - started > timeout.toNanos()) {
                    return stop(child, EngineOutcome.Kind.TIMED_OUT, started);
                }
                if (now - lastOwnershipCheck > OWNERSHIP_CHECK_GAP_NANOS) {
                    lastOwnershipCheck = now;
                    if (!control.stillOwned()) {
                        return stop(child, EngineOutcome.Kind.LOST_OWNERSHIP, started);
                    }
                }
            }
            int exit = child.waitForExit();
            EngineOutcome.Kind kind = exit == 0 ? EngineOutcome.Kind.COMPLETED : EngineOutcome.Kind.EXITED_WITH_ERROR;
            return new EngineOutcome(kind, exit, error, child.tail(), since(started),
                    Duration.ofNanos((firstLine == 0 ? System.nanoTime() : firstLine) - started));
        }
    }

    private static EngineOutcome stop(EngineProcess child, EngineOutcome.Kind kind, long started) {
        child.kill();
        return new EngineOutcome(kind, -1, null, child.tail(), since(started), Duration.ZERO);
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Decides which progress lines are worth a database write. */
    private static final class ProgressThrottle {
        private Stage stage;
        private double fraction;
        private long writtenAt;

        boolean due(Progress progress) {
            long now = System.nanoTime();
            boolean newStage = progress.stage() != stage;
            boolean moved = Math.abs(progress.fraction() - fraction) >= PROGRESS_STEP
                    || (progress.fraction() >= 1 && fraction < 1);
            if (newStage || (moved && now - writtenAt >= MIN_WRITE_GAP_NANOS)) {
                stage = progress.stage();
                fraction = progress.fraction();
                writtenAt = now;
                return true;
            }
            return false;
        }
    }
}
