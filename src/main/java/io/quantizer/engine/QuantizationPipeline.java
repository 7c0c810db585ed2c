package io.quantizer.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import ai.onnxruntime.OrtException;
import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.Evaluator;
import io.quantizer.engine.evaluation.MachineInfo;
import io.quantizer.engine.onnx.ExternalData;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.PreparedModel;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.ReportBuilder;
import io.quantizer.engine.report.Summary;

/**
 * Post-training static quantization of one model, start to end: prepare the fp32 graph, calibrate, quantize,
 * save, evaluate fp32 against int8, report. Usable from the engine's main, from tests and from benchmarks.
 */
public final class QuantizationPipeline {

    /** Receives the stage and the overall progress of the run (0..1, never going back). */
    @FunctionalInterface
    public interface Listener {
        void progress(Stage stage, double overall);
    }

    /**
     * @param model       the user's fp32 model
     * @param evaluation  held-out data, or null to compare on the calibration inputs
     * @param outputModel where the quantized model goes
     * @param workDir     scratch space (the prepared model lands there)
     */
    public record Inputs(Path model, Path calibration, Path evaluation, Path outputModel, Path workDir) {
    }

    // Shares of the overall progress each stage takes, in order: a rough picture of where time goes.
    private static final double PREPARED = 0.05;
    private static final double CALIBRATED = 0.45;
    private static final double QUANTIZED = 0.55;

    private final QuantizationRecipe recipe;
    private final EvaluationSettings evaluation;

    public QuantizationPipeline(QuantizationRecipe recipe, EvaluationSettings evaluation) {
        List<String> problems = recipe.validate();
        if (!problems.isEmpty()) {
            throw new EngineInputException("the recipe is not usable: " + String.join("; ", problems));
        }
        this.recipe = recipe.withDefaults();
        this.evaluation = evaluation;
    }

    public QuantizationReport run(Inputs in, Listener listener) throws IOException, OrtException {
        listener.progress(Stage.OPTIMIZING, 0);
        long t0 = System.nanoTime();
        PreparedModel prepared = new ModelPreprocessor().prepare(in.model(), recipe, in.workDir());
        long t1 = System.nanoTime();
        listener.progress(Stage.CALIBRATING, PREPARED);

        QdqQuantizer quantizer = new QdqQuantizer(recipe);
        Set<String> tensors = quantizer.tensorsToCalibrate(prepared.model());
        CalibrationResult calibration = new CalibrationRunner(recipe).run(prepared.model(), tensors, in.calibration(),
                f -> listener.progress(Stage.CALIBRATING, PREPARED + f * (CALIBRATED - PREPARED)));
        long t2 = System.nanoTime();
        listener.progress(Stage.QUANTIZING, CALIBRATED);

        QuantizationOutcome outcome = quantizer.quantize(prepared.model(), calibration.ranges());
        // a model that came with external data leaves with it, so it can be handled the way it was brought
        OnnxModels.save(outcome.model(), in.outputModel(), ExternalData.any(prepared.model()));
        Summary.QuantizedModel artifact = new Summary.QuantizedModel(sha256(in.outputModel()),
                Files.size(in.outputModel()));
        long t3 = System.nanoTime();
        listener.progress(Stage.EVALUATING, QUANTIZED);

        boolean heldOut = in.evaluation() != null;
        // The baseline is the prepared fp32 graph: the same model after ONNX Runtime's basic optimisations, which
        // the full level applies anyway; unlike the original it is known to load (stale shapes cleared). A float16
        // model's prepared graph computes in float32, so there the user's float16 model is the baseline.
        Path reference = prepared.widenedFromFloat16() ? in.model() : prepared.path();
        EvaluationResult result = new Evaluator(evaluation, recipe.constantInputs()).evaluate(reference,
                OnnxModels.sizeOnDisk(in.model()),
                in.outputModel(), heldOut ? in.evaluation() : in.calibration(),
                heldOut ? EvaluationResult.EVALUATION_SET : EvaluationResult.CALIBRATION_SET,
                f -> listener.progress(Stage.EVALUATING, QUANTIZED + f * (1 - QUANTIZED)));
        long t4 = System.nanoTime();

        Summary.StageSeconds seconds = new Summary.StageSeconds(secs(t0, t1), secs(t1, t2), secs(t2, t3),
                secs(t3, t4));
        return ReportBuilder.build(recipe, prepared.notes(), calibration, outcome, artifact, result, seconds,
                MachineInfo.detect());
    }

    private static double secs(long from, long to) {
        return Math.round((to - from) / 1e6) / 1e3;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
