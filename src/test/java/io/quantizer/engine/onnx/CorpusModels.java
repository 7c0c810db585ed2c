package io.quantizer.engine.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/** The shared corpus of real models; tests using it are skipped where it is absent. */
public final class CorpusModels {

    private CorpusModels() {
    }

    public static Path sharedDir() {
        return Path.of(System.getProperty("quantizer.test.shared-dir", "../shared"));
    }

    public static Path dir() {
        Path models = sharedDir().resolve("corpus/models");
        Assumptions.assumeTrue(Files.isDirectory(models), "shared corpus absent at " + models);
        return models;
    }

    public static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
        }
    }
}
