package io.quantizer.engine.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contract between the worker and the engine's child process ({@code EngineMain}).
 *
 * <p>Command line: {@code --model F --calibration F [--evaluation F] [--recipe F.json] --output-model F
 * --output-report F.json [--threads N]}. The process prints ordinary log lines and, interleaved, machine lines:
 * <ul>
 *   <li>{@code QUANTIZER-PROGRESS stage=CALIBRATING progress=0.4200} whenever the stage or progress moves;</li>
 *   <li>{@code QUANTIZER-ERROR <one line of text>} once, just before a non-zero exit, with what went wrong.</li>
 * </ul>
 * Exit code 0: both output files are complete; a run for the {@code tensorrt} target also leaves a TensorRT
 * calibration cache next to the model, at {@link #calibrationCacheFor}. {@link #EXIT_INPUT_ERROR}: the inputs cannot be quantized
 * (the model does not load, a tensor does not fit); {@link #EXIT_INTERNAL_ERROR}: anything else.
 * The report's top-level {@code summary} object is what the service shows as the job's {@code result}.
 */
public final class EngineProtocol {

    public static final String PROGRESS_PREFIX = "QUANTIZER-PROGRESS ";
    public static final String ERROR_PREFIX = "QUANTIZER-ERROR ";
    public static final int EXIT_INPUT_ERROR = 2;
    public static final int EXIT_INTERNAL_ERROR = 3;

    private static final Pattern PROGRESS =
            Pattern.compile("^" + PROGRESS_PREFIX + "stage=([A-Z_]+) progress=([0-9.]+)$");

    /** Stages of one job attempt, in order. */
    public enum Stage { PREPARING, OPTIMIZING, CALIBRATING, QUANTIZING, EVALUATING, PUBLISHING }

    public record Progress(Stage stage, double fraction) {
        public Progress {
            if (fraction < 0 || fraction > 1) {
                throw new IllegalArgumentException("progress must be in [0, 1], got " + fraction);
            }
        }
    }

    private EngineProtocol() {
    }

    /**
     * Where the engine writes the TensorRT calibration cache of a quantized model: beside it, named after it
     * ({@code model.int8.onnx} → {@code model.int8.calibration.cache}).
     */
    public static java.nio.file.Path calibrationCacheFor(java.nio.file.Path outputModel) {
        String name = outputModel.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
        return outputModel.resolveSibling(stem + ".calibration.cache");
    }

    public static String progressLine(Stage stage, double fraction) {
        double clamped = Math.max(0, Math.min(1, fraction));
        return PROGRESS_PREFIX + "stage=" + stage.name() + " progress=" + String.format(Locale.ROOT, "%.4f", clamped);
    }

    public static String errorLine(String message) {
        String oneLine = message == null ? "unknown error" : message.replaceAll("[\\r\\n]+", " ").strip();
        return ERROR_PREFIX + oneLine;
    }

    public static Optional<Progress> parseProgress(String line) {
        Matcher m = PROGRESS.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Progress(Stage.valueOf(m.group(1)), Double.parseDouble(m.group(2))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static Optional<String> parseError(String line) {
        return line.startsWith(ERROR_PREFIX) ? Optional.of(line.substring(ERROR_PREFIX.length())) : Optional.empty();
    }
}
