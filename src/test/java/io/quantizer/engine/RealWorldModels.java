package io.quantizer.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The models of the families users bring (PP-OCR recognizer, detector and angle classifier, a stateful VAD, a
 * fixed-batch wake-word head), generated with realistic structure and statistics by
 * {@code src/test/python/make_realworld_models.py} into {@code target/realworld-models}, once per build: again
 * only when the script is newer than what it wrote. Needs {@code /usr/bin/python3} with torch and onnx (CI
 * installs Debian's python3-torch and python3-onnx); {@link #available()} says why not when they are missing.
 */
public final class RealWorldModels {

    public static final Path SCRIPT = Path.of("src/test/python/make_realworld_models.py");
    public static final Path DIR = Path.of("target/realworld-models");
    static final String PYTHON = "/usr/bin/python3";

    private static String unavailable;
    private static boolean generated;

    private RealWorldModels() {
    }

    /** Null when the models are there (generating them first if needed), otherwise why they cannot be. */
    public static synchronized String available() {
        if (generated) {
            return null;
        }
        if (unavailable != null) {
            return unavailable;
        }
        try {
            Path done = DIR.resolve("DONE");
            if (Files.exists(done) && Files.getLastModifiedTime(done).compareTo(Files.getLastModifiedTime(SCRIPT)) > 0) {
                generated = true;
                return null;
            }
            if (!Files.isExecutable(Path.of(PYTHON))) {
                return unavailable = "no " + PYTHON + " to generate the real-world models (install python3-torch "
                        + "python3-onnx)";
            }
            if (run(List.of(PYTHON, "-c", "import torch, onnx"), 120) != 0) {
                return unavailable = PYTHON + " lacks torch or onnx (install python3-torch python3-onnx)";
            }
            int rc = run(List.of(PYTHON, SCRIPT.toString(), DIR.toString()), 900);
            if (rc != 0 || !Files.exists(done)) {
                // the tools are there, so a failing script is a bug the build must show, not skip
                throw new IllegalStateException(SCRIPT + " failed (exit " + rc + "); see its output above");
            }
            generated = true;
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot generate the real-world models: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating the real-world models", e);
        }
    }

    public static Path model(String name) {
        return DIR.resolve(name + ".onnx");
    }

    public static Path calibration(String name) {
        return DIR.resolve(name + "_calib.npz");
    }

    public static Path evaluation(String name) {
        return DIR.resolve(name + "_eval.npz");
    }

    private static int run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(DIR.resolve("generate.log").toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " ran past " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            System.err.println(Files.readString(DIR.resolve("generate.log")));
        }
        return p.exitValue();
    }
}
