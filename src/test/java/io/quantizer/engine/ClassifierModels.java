package io.quantizer.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    private static final ScriptedModels MODELS = new ScriptedModels(SCRIPT, DIR, List.of(CORPUS.toString()), 1800,
            "the classifier models");

    private ClassifierModels() {
    }

    /** Null when the models are there (training them first if needed), otherwise why they cannot be. */
    public static String available() {
        Path data = CORPUS.resolve("data");
        if (!Files.isRegularFile(data.resolve("fmnist_eval.npz")) || !Files.isRegularFile(data.resolve("fmnist_calib.npz"))) {
            return "no Fashion-MNIST data in " + data + " to train the classifiers on";
        }
        return MODELS.available();
    }

    public static Path model(String name) {
        return MODELS.model(name);
    }

    public static Path calibration(String name) {
        return MODELS.calibration(name);
    }

    public static Path evaluation(String name) {
        return MODELS.evaluation(name);
    }
}
