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
        List<String> quantized = new ArrayList<>();
        List<Summary.KeptFloat> keptFloat = new ArrayList<>();
        for (NodeDecision node : outcome.nodes()) {
            if (node.quantized()) {
                quantized.add(node.nodeName());
            } else {
                keptFloat.add(new Summary.KeptFloat(node.nodeName(), node.opType(), node.reason()));
            }
        }
        List<String> warnings = Warnings.of(evaluation, keptFloat, calibration.statistics());
        Summary summary = new Summary(artifact, evaluation, new Summary.Nodes(quantized, keptFloat), seconds, machine,
                warnings);
        List<TensorReport> tensors = new ArrayList<>();
        for (QuantizedTensor t : outcome.tensors()) {
            tensors.add(TensorReport.of(t, calibration.statistics().get(t.name())));
        }
        QuantizationRecipe full = recipe.withDefaults();
        Details.CalibrationRun run = new Details.CalibrationRun(
                full.calibration().method().name().toLowerCase(java.util.Locale.ROOT), calibration.sampleCount(),
                calibration.batchSize(), calibration.ranges().size());
        return new QuantizationReport(summary, new Details(full, run, tensors, preprocessingNotes, outcome.notes()));
    }
}
