package io.quantizer.engine.report;

import java.util.ArrayList;
import java.util.List;

import io.quantizer.engine.accuracy.AccuracyControl;
import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.MachineInfo;
import io.quantizer.engine.quantize.NodeDecision;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.quantize.QuantizedTensor;
import io.quantizer.engine.recipe.QuantizationRecipe;

/** Assembles the report from what each stage produced. */
public final class ReportBuilder {

    private ReportBuilder() {
    }

    /** @param calibration null for the modes that do not calibrate */
    public static QuantizationReport build(QuantizationRecipe recipe, List<String> preprocessingNotes,
                                           CalibrationResult calibration, QuantizationOutcome outcome,
                                           Summary.QuantizedModel artifact, EvaluationResult evaluation,
                                           Summary.StageSeconds seconds, MachineInfo machine) {
        return build(recipe, preprocessingNotes, calibration, outcome, artifact, evaluation, seconds, machine,
                AccuracyControl.Result.unchanged(outcome, evaluation), null);
    }

    /**
     * The report of a run whose accuracy control may have replaced the model: {@code outcome} and {@code evaluation}
     * are the returned model's. {@code calibrationCache} is the TensorRT calibration cache beside it, or null.
     */
    public static QuantizationReport build(QuantizationRecipe recipe, List<String> preprocessingNotes,
                                           CalibrationResult calibration, QuantizationOutcome outcome,
                                           Summary.QuantizedModel artifact, EvaluationResult evaluation,
                                           Summary.StageSeconds seconds, MachineInfo machine,
                                           AccuracyControl.Result controlled,
                                           Summary.CalibrationCache calibrationCache) {
        List<String> quantized = new ArrayList<>();
        List<String> quantizedOpTypes = new ArrayList<>();
        List<Summary.KeptFloat> keptFloat = new ArrayList<>();
        List<String> noFloatMath = new ArrayList<>();
        for (NodeDecision node : outcome.nodes()) {
            if (node.quantized()) {
                quantized.add(node.nodeName());
                quantizedOpTypes.add(node.opType());
            } else if (!node.computesFloat()) {
                noFloatMath.add(node.nodeName());
            } else {
                keptFloat.add(new Summary.KeptFloat(node.nodeName(), node.opType(), node.reason()));
            }
        }
        // the modes that quantize no activation ahead of time run no calibration: no statistics to show
        java.util.Map<String, io.quantizer.engine.calibration.TensorStatistics> stats = calibration == null
                ? java.util.Map.of() : calibration.statistics();
        List<TensorReport> tensors = new ArrayList<>();
        for (QuantizedTensor t : outcome.tensors()) {
            tensors.add(TensorReport.of(t, stats.get(t.name())));
        }
        QuantizationRecipe full = recipe.withDefaults();
        Quality quality = Quality.of(evaluation);
        List<String> warnings = new ArrayList<>();
        if (quality.unusable()) { // first, so that nobody reads a wrecked model as a quiet success
            warnings.add(quality.warning(full, stats, tensors, quantizedOpTypes));
        }
        warnings.addAll(controlled.warnings()); // a missed accuracy target next: the user asked for it
        TargetFit target = TargetFit.of(full.target(), machine);
        if (target.warning() != null) {
            warnings.add(target.warning());
        }
        warnings.addAll(Warnings.of(evaluation, keptFloat, stats, ModeLabel.of(full), calibration != null));
        Summary summary = new Summary(artifact, quality, evaluation, new Summary.Nodes(quantized, keptFloat, noFloatMath), seconds,
                machine, warnings, controlled.layers(), controlled.search(), target, calibrationCache);
        Details.CalibrationRun run = calibration == null ? null : new Details.CalibrationRun(
                full.calibration().method().name().toLowerCase(java.util.Locale.ROOT), calibration.sampleCount(),
                calibration.batchSize(), calibration.ranges().size());
        return new QuantizationReport(summary, new Details(full, run, tensors, preprocessingNotes, outcome.notes(),
                outcome.weightErrors()));
    }
}
