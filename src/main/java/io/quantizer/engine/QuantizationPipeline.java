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
import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.accuracy.AccuracyControl;
import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.cli.EngineProtocol;
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
import io.quantizer.engine.quantize.TensorRtCalibrationCache;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recovery.RecoverySteps;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.ReportBuilder;
import io.quantizer.engine.report.Summary;

/**
 * Post-training quantization of one model, start to end: prepare the fp32 graph, calibrate (static mode only),
 * quantize in the recipe's mode, save, evaluate fp32 against the quantized model, report. Usable from the engine's main, from tests and from benchmarks.
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
    private static final double EVALUATED = 0.8;

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
        if (in.calibration() == null && recipe.needsCalibration()) {
            throw new EngineInputException("mode static needs a calibration data set");
        }
        if (in.calibration() == null && in.evaluation() == null) {
            throw new EngineInputException("no data set to compare the quantized model with: give an evaluation or"
                    + " a calibration data set");
        }
        listener.progress(Stage.OPTIMIZING, 0);
        long t0 = System.nanoTime();
        PreparedModel prepared = new ModelPreprocessor().prepare(in.model(), recipe, in.workDir());
        long t1 = System.nanoTime();

        CalibrationResult calibration = null;
        QuantizationOutcome outcome;
        ModelProto quantizedFrom = prepared.model(); // the float graph Q/DQ went into (after CLE, SmoothQuant)
        long t2;
        if (recipe.needsCalibration()) {
            listener.progress(Stage.CALIBRATING, PREPARED);
            RecoverySteps.Prepared recovered = RecoverySteps.beforeCalibration(prepared.model(), recipe,
                    in.calibration());
            quantizedFrom = recovered.model();
            QdqQuantizer quantizer = new QdqQuantizer(recipe);
            Set<String> tensors = quantizer.tensorsToCalibrate(recovered.model());
            calibration = new CalibrationRunner(recipe).run(recovered.model(), tensors, in.calibration(),
                    f -> listener.progress(Stage.CALIBRATING, PREPARED + f * (CALIBRATED - PREPARED)));
            t2 = System.nanoTime();
            listener.progress(Stage.QUANTIZING, CALIBRATED);
            outcome = RecoverySteps.afterQuantization(recovered.model(), recovered,
                    quantizer.quantize(recovered.model(), calibration.ranges()), recipe, in.calibration());
        } else {
            t2 = t1; // nothing calibrated: the stage took no time
            listener.progress(Stage.QUANTIZING, CALIBRATED);
            outcome = CalibrationFreeModes.quantize(recipe, prepared.model());
        }
        // a model that came with external data leaves with it, so it can be handled the way it was brought
        OnnxModels.save(outcome.model(), in.outputModel(), ExternalData.any(prepared.model()));
        Summary.CalibrationCache cache = recipe.target() == QuantizationRecipe.Target.TENSORRT
                ? writeCalibrationCache(quantizedFrom, calibration, in.outputModel()) : null;
        AccuracyControl control = new AccuracyControl(recipe, evaluation);
        if (calibration == null || !control.readsQuantizedModel(quantizedFrom)) {
            outcome = outcome.withoutModel(); // saved; nothing reads the graph again
        }
        long t3 = System.nanoTime();
        listener.progress(Stage.EVALUATING, QUANTIZED);

        boolean heldOut = in.evaluation() != null; // else the calibration set, which is then present
        Path data = heldOut ? in.evaluation() : in.calibration();
        String dataset = heldOut ? EvaluationResult.EVALUATION_SET : EvaluationResult.CALIBRATION_SET;
        // The baseline is the prepared fp32 graph: the same model after ONNX Runtime's basic optimisations, which
        // the full level applies anyway; unlike the original it is known to load (stale shapes cleared). A float16
        // model's prepared graph computes in float32, so there the user's float16 model is the baseline.
        Path reference = prepared.widenedFromFloat16() ? in.model() : prepared.path();
        EvaluationResult result = new Evaluator(evaluation, recipe.constantInputs()).evaluate(reference,
                OnnxModels.sizeOnDisk(in.model()), in.outputModel(), data, dataset,
                f -> listener.progress(Stage.EVALUATING, QUANTIZED + f * (EVALUATED - QUANTIZED)));
        // the per-layer analysis, and with an accuracy target the search, which may replace the artifact; both
        // re-quantize from calibrated ranges, so they apply to the calibrated (static) modes
        AccuracyControl.Result controlled = calibration == null ? AccuracyControl.Result.unchanged(outcome, result)
                : control.run(new AccuracyControl.Start(
                quantizedFrom, calibration.ranges(), outcome, result, secs(t3, System.nanoTime()), reference,
                OnnxModels.sizeOnDisk(in.model()), in.outputModel(), data, dataset, in.workDir()),
                f -> listener.progress(Stage.EVALUATING, EVALUATED + f * (1 - EVALUATED)));
        Summary.QuantizedModel artifact = new Summary.QuantizedModel(sha256(in.outputModel()),
                Files.size(in.outputModel()));
        long t4 = System.nanoTime();

        Summary.StageSeconds seconds = new Summary.StageSeconds(secs(t0, t1), secs(t1, t2), secs(t2, t3),
                secs(t3, t4));
        return ReportBuilder.build(recipe, prepared.notes(), calibration, controlled.outcome(), artifact,
                controlled.evaluation(), seconds, MachineInfo.detect(), controlled, cache);
    }

    /** TensorRT's calibration cache, beside the model where {@link EngineProtocol#calibrationCacheFor} says. */
    private static Summary.CalibrationCache writeCalibrationCache(ModelProto quantizedFrom, CalibrationResult calibration,
            Path outputModel) throws IOException {
        Path file = EngineProtocol.calibrationCacheFor(outputModel);
        int entries = TensorRtCalibrationCache.write(
                TensorRtCalibrationCache.scales(quantizedFrom, calibration.ranges()), file);
        return new Summary.CalibrationCache(file.getFileName().toString(), "tensorrt-calibration-cache", sha256(file),
                Files.size(file), entries);
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
