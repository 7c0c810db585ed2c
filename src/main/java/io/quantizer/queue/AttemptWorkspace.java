package io.quantizer.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** One attempt's private directory: inputs fetched from the store, the engine's outputs, its temp files. */
record AttemptWorkspace(Path dir) implements AutoCloseable {

    static AttemptWorkspace create(Path root, UUID jobId, int attempt) throws IOException {
        Path dir = root.toAbsolutePath().resolve("job-" + jobId + "-attempt-" + attempt);
        deleteTree(dir);
        Files.createDirectories(dir.resolve("tmp"));
        return new AttemptWorkspace(dir);
    }

    Path model() {
        return dir.resolve("model.onnx");
    }

    Path calibration(String extension) {
        return dir.resolve("calibration." + extension);
    }

    Path evaluation(String extension) {
        return dir.resolve("evaluation." + extension);
    }

    Path recipe() {
        return dir.resolve("recipe.json");
    }

    Path outputModel() {
        return dir.resolve("model.int8.onnx");
    }

    Path outputReport() {
        return dir.resolve("report.json");
    }

    Path argumentFile() {
        return dir.resolve("engine.args");
    }

    Path tmp() {
        return dir.resolve("tmp");
    }

    @Override
    public void close() {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the work directory " + dir, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
