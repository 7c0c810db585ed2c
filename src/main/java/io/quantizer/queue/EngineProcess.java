package io.quantizer.queue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running engine child: its merged stdout/stderr as a queue of lines (read on a thread of its own so a chatty
 * child never blocks on a full pipe), the last lines kept for failure reports, and a way to kill it.
 * Its stdin stays open and unused: closing it (or this JVM dying) tells the child to exit ({@link EngineChild}).
 */
final class EngineProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EngineProcess.class);
    private static final int TAIL_LINES = 25;
    private static final int MAX_LINE_CHARS = 2000;

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile boolean endOfOutput;

    private EngineProcess(Process process, String name) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, name);
        reader.setDaemon(true);
        reader.start();
    }

    static EngineProcess start(List<String> command, Path workDir, String name) throws IOException {
        return start(command, workDir, name, System.getenv());
    }

    /** Starts the child with {@link ChildEnvironment}'s minimal environment, never the worker's own. */
    static EngineProcess start(List<String> command, Path workDir, String name, Map<String, String> workerEnvironment)
            throws IOException {
        ProcessBuilder builder = ChildEnvironment.apply(
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true),
                workerEnvironment, workDir);
        Process process = builder.start();
        preferForOutOfMemoryKill(process.pid());
        return new EngineProcess(process, name);
    }

    /**
     * The child's heap is bounded, ONNX Runtime's native memory is not: a model that exhausts the pod's memory
     * makes the kernel kill a process, and that must be the engine child, never the worker serving the API and
     * holding the queue's heartbeats. The highest {@code oom_score_adj} (1000) makes the child the first choice;
     * raising one's own or a child's score needs no privilege. The child then ends by signal and its attempt is
     * FAILED with that reason. Where {@code /proc} is absent (not Linux) this does nothing.
     */
    static void preferForOutOfMemoryKill(long pid) {
        Path adjust = Path.of("/proc", Long.toString(pid), "oom_score_adj");
        try {
            Files.writeString(adjust, "1000");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            log.debug("cannot raise the OOM score of engine {}: {}", pid, e.getMessage());
        }
    }

    /** The next output line, waiting at most {@code wait}; null when none came. */
    String nextLine(Duration wait) throws InterruptedException {
        return lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once the child has exited and every line it wrote has been taken. */
    boolean finished() {
        return endOfOutput && lines.isEmpty() && !process.isAlive();
    }

    int waitForExit() throws InterruptedException {
        return process.waitFor();
    }

    long pid() {
        return process.pid();
    }

    /** The child's last non-protocol output lines, oldest first. */
    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String bounded = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line;
                log.debug("[engine {}] {}", process.pid(), bounded);
                remember(bounded);
                lines.add(bounded);
            }
        } catch (IOException e) {
            log.debug("engine output of {} ended: {}", process.pid(), e.getMessage());
        } finally {
            endOfOutput = true;
        }
    }

    private void remember(String line) {
        if (line.startsWith(io.quantizer.engine.cli.EngineProtocol.PROGRESS_PREFIX)) {
            return;
        }
        synchronized (tail) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
    }
}
