package io.quantizer.engine.report;

import java.util.ArrayList;
import java.util.List;

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

    public static QuantizationReport build(QuantizationRecipe recipe, List<String> preprocessingNotes,
                                           CalibrationResult calibration, QuantizationOutcome outcome,
                                           Summary.QuantizedModel artifact, EvaluationResult evaluation,
                                           Summary.StageSeconds seconds, MachineInfo machine) {
        return build(recipe, preprocessingNotes, calibration, outcome, artifact, evaluation, seconds, machine, null);
    }

    /** @param calibrationCache the TensorRT calibration cache written beside the model, or null */
    public static QuantizationReport build(QuantizationRecipe recipe, List<String> preprocessingNotes,
                                           CalibrationResult calibration, QuantizationOutcome outcome,
                                           Summary.QuantizedModel artifact, EvaluationResult evaluation,
                                           Summary.StageSeconds seconds, MachineInfo machine,
                                           Summary.ArtifactFile calibrationCache) {
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
        List<TensorReport> tensors = new ArrayList<>();
        for (QuantizedTensor t : outcome.tensors()) {
            tensors.add(TensorReport.of(t, calibration.statistics().get(t.name())));
        }
        QuantizationRecipe full = recipe.withDefaults();
        Quality quality = Quality.of(evaluation);
        List<String> warnings = new ArrayList<>();
        if (quality.unusable()) { // first, so that nobody reads a wrecked model as a quiet success
            warnings.add(quality.warning(full, calibration.statistics(), tensors, quantizedOpTypes));
        }
        TargetFit target = TargetFit.of(full.target(), machine);
        if (target.warning() != null) {
            warnings.add(target.warning());
        }
        warnings.addAll(Warnings.of(evaluation, keptFloat, calibration.statistics()));
        Summary summary = new Summary(artifact, quality, evaluation, new Summary.Nodes(quantized, keptFloat, noFloatMath), seconds,
                machine, warnings, null, null, target, calibrationCache);
        Details.CalibrationRun run = new Details.CalibrationRun(
                full.calibration().method().name().toLowerCase(java.util.Locale.ROOT), calibration.sampleCount(),
                calibration.batchSize(), calibration.ranges().size());
        return new QuantizationReport(summary, new Details(full, run, tensors, preprocessingNotes, outcome.notes()));
    }
}
