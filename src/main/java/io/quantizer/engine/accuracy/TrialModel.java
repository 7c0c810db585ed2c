package io.quantizer.engine.accuracy;

import java.nio.file.Path;

import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.report.AccuracySearch;

/** One model the search tried: how it was made, where it is saved, and how it did. */
record TrialModel(QuantizationOutcome outcome, Path file, EvaluationResult evaluation, AccuracySearch.Trial trial) {

    /** The lowest cosine to fp32 over the outputs (1 with no float output). */
    static double minCosine(EvaluationResult e) {
        return e.outputs().stream().mapToDouble(o -> o.cosine()).min().orElse(1.0);
    }

    static Double latencyBatch1(EvaluationResult e) {
        return e.quantized().latencyMs() == null || e.quantized().latencyMs().batch1() == null ? null
                : e.quantized().latencyMs().batch1().p50();
    }
}
