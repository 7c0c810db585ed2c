package io.quantizer.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One attempt's private directory: inputs fetched from the store, the engine's outputs, its temp files. The model
 * has a directory of its own ({@code model/}) because its external-data files lie beside it under the names its
 * tensors reference; the outputs ({@code out/}) are the job's artifacts, every file there is published.
 */
record AttemptWorkspace(Path dir) implements AutoCloseable {

    static AttemptWorkspace create(Path root, UUID jobId, int attempt) throws IOException {
        Path dir = root.toAbsolutePath().resolve("job-" + jobId + "-attempt-" + attempt);
        deleteTree(dir);
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve(MODEL_DIR));
        Files.createDirectories(dir.resolve(OUTPUT_DIR));
        return new AttemptWorkspace(dir);
    }

    private static final String MODEL_DIR = "model";
    private static final String OUTPUT_DIR = "out";

    Path model() {
        return dir.resolve(MODEL_DIR).resolve("model.onnx");
    }

    /**
     * Where an external-data file of the model goes. Its name passed the upload's rules (a plain file name, not
     * {@code .onnx}), so it cannot leave the directory or take the model's place; checked again here regardless.
     */
    Path modelData(String name) {
        Path file = dir.resolve(MODEL_DIR).resolve(name).normalize();
        if (!file.getParent().equals(dir.resolve(MODEL_DIR).normalize()) || file.equals(model())) {
            throw new IllegalArgumentException("unusable external-data file name: " + name);
        }
        return file;
    }

    /** The job's artifacts: the quantized model and whatever files the engine writes beside it. */
    Path outputs() {
        return dir.resolve(OUTPUT_DIR);
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
        return outputs().resolve("model.int8.onnx");
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
