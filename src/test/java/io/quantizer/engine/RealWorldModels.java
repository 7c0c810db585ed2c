package io.quantizer.engine;

import java.nio.file.Path;
import java.util.List;

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
    static final String PYTHON = ScriptedModels.PYTHON;
    private static final ScriptedModels MODELS = new ScriptedModels(SCRIPT, DIR, List.of(), 900,
            "the real-world models");

    private RealWorldModels() {
    }

    /** Null when the models are there (generating them first if needed), otherwise why they cannot be. */
    public static String available() {
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
