package io.quantizer.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two Fashion-MNIST classifiers of the families the accuracy bar names, a MobileNet-style net
 * ({@code fmnist_mobilenet}) and a small ViT ({@code fmnist_vit}), trained by
 * {@code src/test/python/make_classifier_models.py} on the corpus's labelled images into
 * {@code target/classifier-models}, once per build: again only when the script is newer than what it wrote. They
 * train on the first 8,000 images of {@code fmnist_eval.npz}; their evaluation sets are the last 2,000, and their
 * calibration sets the 512 images of {@code fmnist_calib.npz}. Needs the corpus and {@code /usr/bin/python3} with
 * torch and onnx; {@link #available()} says why not when either is missing.
 */
public final class ClassifierModels {

    public static final Path SCRIPT = Path.of("src/test/python/make_classifier_models.py");
    public static final Path DIR = Path.of("target/classifier-models");
    public static final Path CORPUS = Path.of("../shared/corpus");
    public static final List<String> NAMES = List.of("fmnist_mobilenet", "fmnist_vit");

    private static String unavailable;
    private static boolean generated;

    private ClassifierModels() {
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
            Path data = CORPUS.resolve("data");
            if (!Files.isRegularFile(data.resolve("fmnist_eval.npz"))
                    || !Files.isRegularFile(data.resolve("fmnist_calib.npz"))) {
                return unavailable = "no Fashion-MNIST data in " + data + " to train the classifiers on";
            }
            if (!Files.isExecutable(Path.of(RealWorldModels.PYTHON))) {
                return unavailable = "no " + RealWorldModels.PYTHON + " to train the classifiers (install "
                        + "python3-torch python3-onnx)";
            }
            if (run(List.of(RealWorldModels.PYTHON, "-c", "import torch, onnx"), 120) != 0) {
                return unavailable = RealWorldModels.PYTHON + " lacks torch or onnx (install python3-torch "
                        + "python3-onnx)";
            }
            int rc = run(List.of(RealWorldModels.PYTHON, SCRIPT.toString(), DIR.toString(), CORPUS.toString()), 1800);
            if (rc != 0 || !Files.exists(done)) {
                // the tools and the data are there, so a failing script is a bug the build must show, not skip
                throw new IllegalStateException(SCRIPT + " failed (exit " + rc + "); see its output above");
            }
            generated = true;
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot generate the classifier models: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating the classifier models", e);
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
