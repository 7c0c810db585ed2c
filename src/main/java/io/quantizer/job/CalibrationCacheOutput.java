package io.quantizer.job;

/**
 * The TensorRT calibration cache a {@code tensorrt} job produces beside its quantized model: stored next to the
 * artifact under the attempt's prefix, named in the result's {@code calibrationCache}, fetched from its own link.
 * A minimal second output; the general multi-file artifact endpoints may subsume it.
 */
public final class CalibrationCacheOutput {

    /** The {@code result} field the engine's summary names the cache in. */
    public static final String RESULT_FIELD = "calibrationCache";
    static final String OBJECT_NAME = "calibration.cache";

    private CalibrationCacheOutput() {
    }

    /** The store key of the cache of the model stored at {@code artifactKey}: the same prefix. */
    public static String keyBeside(String artifactKey) {
        return artifactKey.substring(0, artifactKey.lastIndexOf('/') + 1) + OBJECT_NAME;
    }

    /** The download name: the artifact's, with the cache's extension. */
    static String fileName(String artifactName) {
        return artifactName.replaceAll("(?i)\\.onnx$", "") + ".calibration.cache";
    }
}
