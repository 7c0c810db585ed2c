package io.quantizer.engine.evaluation;

import java.util.List;

/**
 * The fp32-versus-quantized comparison. Accuracies and agreement are shares in [0, 1]; a drop is
 * {@code fp32 − quantized} in the same unit (0.003 = 0.3 points).
 *
 * @param dataset              {@code "evaluation"}, or {@code "calibration"} when no held-out set was given and
 *                             the figures come from the calibration inputs (which the ranges were fitted to)
 * @param argmaxAgreement      share of samples where both models' top class agree; null without a
 *                             classification-shaped output
 * @param speedup              fp32 ÷ quantized median latency at batch 1
 * @param speedupBatchN        the same at the larger batch; null when not measured
 * @param compressionRatio     fp32 ÷ quantized file size
 * @param classificationOutput the output top-k and agreement were computed on, or null
 */
public record EvaluationResult(long sampleCount, String dataset, ModelMetrics fp32, ModelMetrics quantized,
                               Double top1Drop, Double top5Drop, Double argmaxAgreement, List<OutputFidelity> outputs,
                               Double speedup, Double speedupBatchN, double compressionRatio,
                               String classificationOutput) {

    public static final String EVALUATION_SET = "evaluation";
    public static final String CALIBRATION_SET = "calibration";

    public EvaluationResult {
        outputs = List.copyOf(outputs);
    }
}
