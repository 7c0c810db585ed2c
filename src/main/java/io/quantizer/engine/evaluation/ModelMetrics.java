package io.quantizer.engine.evaluation;

/**
 * One model's side of the comparison.
 *
 * @param top1      share of samples whose label scored highest, in [0, 1]; null without labels
 * @param top5      share of samples whose label is among the 5 highest; null without labels or under 5 classes
 * @param latencyMs latency at batch 1 and at a larger batch (null when not measured)
 * @param sizeBytes the model file's size
 */
public record ModelMetrics(Double top1, Double top5, Latency latencyMs, long sizeBytes) {

    /** @param batchN null for models fed one sample at a time (fixed batch 1) */
    public record Latency(Percentiles batch1, Percentiles batchN) {
    }
}
