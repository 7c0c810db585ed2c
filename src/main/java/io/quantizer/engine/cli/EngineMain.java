package io.quantizer.engine.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import com.google.protobuf.InvalidProtocolBufferException;

import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.QuantizationPipeline;
import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.engine.data.DatasetFormatException;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.ReportWriter;
import io.quantizer.engine.runtime.Ort;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The engine's child-process entry point ({@link EngineProtocol}): runs the whole pipeline on files and prints
 * progress lines. {@code progress} is the run's overall fraction (it never goes back), labelled with the stage.
 * On failure both output files are removed, so exit 0 is the only state with outputs.
 */
public final class EngineMain {

    private static final double PROGRESS_STEP = 0.002;
    /**
     * ONNX Runtime needs more native stack on the calling thread than the java launcher gives the main thread
     * (1 MiB): measured here with ORT 1.29, creating any session on a thread with up to 4 MiB of stack killed the
     * JVM with SIGSEGV (no hs_err, the handler has no stack left), 8 MiB worked. The engine runs on a thread of
     * its own with room to spare; the stack is reserved, not committed, so the size costs no memory.
     */
    static final long ENGINE_STACK_BYTES = 64L << 20;

    private EngineMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int[] code = {EngineProtocol.EXIT_INTERNAL_ERROR};
        Thread engine = new Thread(null, () -> code[0] = run(args, System.out), "engine", ENGINE_STACK_BYTES);
        engine.start();
        engine.join();
        System.out.flush();
        System.exit(code[0]);
    }

    static int run(String[] args, PrintStream out) {
        EngineArguments a;
        try {
            a = EngineArguments.parse(args);
        } catch (IllegalArgumentException e) {
            return fail(out, EngineProtocol.EXIT_INTERNAL_ERROR, "bad engine command line: " + e.getMessage());
        }
        Path workDir = null;
        try {
            if (a.threads() != null) {
                Ort.configureThreads(a.threads());
            }
            QuantizationRecipe recipe = readRecipe(a.recipe());
            emit(out, EngineProtocol.progressLine(Stage.PREPARING, 0));
            workDir = Files.createTempDirectory("quantizer-engine-");
            ProgressPrinter printer = new ProgressPrinter(out);
            QuantizationReport report = new QuantizationPipeline(recipe, EvaluationSettings.defaults()).run(
                    new QuantizationPipeline.Inputs(a.model(), a.calibration(), a.evaluation(), a.outputModel(),
                            workDir), printer::progress);
            ReportWriter.write(report, a.outputReport());
            emit(out, EngineProtocol.progressLine(Stage.EVALUATING, 1));
            emit(out, "engine: wrote " + a.outputModel() + " and " + a.outputReport());
            return 0;
        } catch (EngineInputException | DatasetFormatException | InvalidProtocolBufferException
                 | NoSuchFileException e) {
            return cleanFail(out, a, EngineProtocol.EXIT_INPUT_ERROR, message(e));
        } catch (IOException e) {
            boolean modelRefused = e.getCause() instanceof ai.onnxruntime.OrtException;
            return cleanFail(out, a, modelRefused ? EngineProtocol.EXIT_INPUT_ERROR : EngineProtocol.EXIT_INTERNAL_ERROR,
                    message(e));
        } catch (OutOfMemoryError e) {
            return cleanFail(out, a, EngineProtocol.EXIT_INTERNAL_ERROR, "out of memory: " + e.getMessage());
        } catch (Error e) {
            // e.g. ONNX Runtime's native library failing to load: still one clear line for the worker
            return cleanFail(out, a, EngineProtocol.EXIT_INTERNAL_ERROR, e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        } catch (Exception e) {
            return cleanFail(out, a, EngineProtocol.EXIT_INTERNAL_ERROR, e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        } finally {
            deleteTree(workDir);
        }
    }

    private static QuantizationRecipe readRecipe(Path file) throws IOException {
        if (file == null) {
            return QuantizationRecipe.defaults();
        }
        try {
            // unknown fields are refused: a misspelt option silently ignored would run a recipe nobody asked for
            return JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(Files.readString(file), QuantizationRecipe.class);
        } catch (JacksonException e) {
            throw new EngineInputException("the recipe is not valid: " + e.getOriginalMessage(), e);
        }
    }

    private static String message(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "file not found: " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static int cleanFail(PrintStream out, EngineArguments a, int code, String message) {
        try {
            Files.deleteIfExists(a.outputModel());
            Files.deleteIfExists(a.outputReport());
            Files.deleteIfExists(EngineProtocol.calibrationCacheFor(a.outputModel()));
        } catch (IOException e) {
            emit(out, "engine: could not remove a partial output: " + e.getMessage());
        }
        return fail(out, code, message);
    }

    private static int fail(PrintStream out, int code, String message) {
        emit(out, EngineProtocol.errorLine(message));
        return code;
    }

    private static void emit(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a finished run for
        }
    }

    /** Prints a progress line when the stage changes or the fraction moved enough to be worth a line. */
    private static final class ProgressPrinter {
        private final PrintStream out;
        private Stage stage;
        private double last = -1;

        ProgressPrinter(PrintStream out) {
            this.out = out;
        }

        void progress(Stage s, double overall) {
            if (s != stage || overall - last >= PROGRESS_STEP) {
                stage = s;
                last = overall;
                emit(out, EngineProtocol.progressLine(s, overall));
            }
        }
    }
}
