package io.quantizer.job;

import java.nio.file.Path;

import io.quantizer.engine.cli.EngineProtocol;

/**
 * The TensorRT calibration cache a {@code tensorrt} job produces beside its quantized model. The engine writes it
 * into its output directory, so the attempt publishes it like every other output file, as one of the job's
 * {@code artifacts} under the engine's name for it; the result's {@code calibrationCache} describes it and
 * {@code /calibration-cache} serves that same object.
 */
public final class CalibrationCacheOutput {

    /** The {@code result} field the engine's summary names the cache in. */
    public static final String RESULT_FIELD = "calibrationCache";

    private CalibrationCacheOutput() {
    }

    /**
     * The store key of the cache of the model stored at {@code artifactKey}: the same prefix, and the name the
     * engine gave the file ({@link EngineProtocol#calibrationCacheFor}), under which it was published.
     */
    public static String keyBeside(String artifactKey) {
        int slash = artifactKey.lastIndexOf('/') + 1;
        return artifactKey.substring(0, slash)
                + EngineProtocol.calibrationCacheFor(Path.of(artifactKey.substring(slash))).getFileName();
    }

    /** The download name: the artifact's, with the cache's extension. */
    static String fileName(String artifactName) {
        return artifactName.replaceAll("(?i)\\.onnx$", "") + ".calibration.cache";
    }
}
