package io.quantizer.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Removes attempt directories a previous run of this worker left behind: a worker killed mid-job (or the
 * machine losing power) never reaches its cleanup, and the job itself is resumed from the object store, so the
 * local copies are of no use to anyone. Runs once at startup, before this instance starts any attempt.
 */
@Component
class WorkDirJanitor {

    private static final Logger log = LoggerFactory.getLogger(WorkDirJanitor.class);

    private final WorkerProperties worker;

    WorkDirJanitor(WorkerProperties worker) {
        this.worker = worker;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onStartup() {
        if (worker.enabled()) {
            removeLeftovers(worker.workDir());
        }
    }

    /** Deletes every {@code job-*-attempt-*} directory under {@code workDir}; returns how many. */
    static int removeLeftovers(Path workDir) {
        if (!Files.isDirectory(workDir)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> entries = Files.list(workDir)) {
            for (Path dir : entries.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().matches("job-[0-9a-f-]+-attempt-\\d+")).toList()) {
                new AttemptWorkspace(dir).close();
                removed++;
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not clear leftover attempt directories in {}: {}", workDir, e.toString());
        }
        if (removed > 0) {
            log.info("removed {} attempt directories left by an earlier run in {}", removed, workDir);
        }
        return removed;
    }
}
