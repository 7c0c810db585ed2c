package io.quantizer.engine.evaluation;

import java.time.Duration;

/**
 * How much evaluation to do.
 *
 * @param maxSamples    at most this many samples are compared (all by default)
 * @param latency       whether to time the models at all
 * @param latencyBudget time spent timing each batch size (both models together), beyond the minimum runs
 * @param minRuns       timed runs of each model at least, per batch size
 * @param maxRuns       timed runs of each model at most, per batch size
 * @param warmupRuns    untimed runs of each model first, per batch size
 */
public record EvaluationSettings(long maxSamples, boolean latency, Duration latencyBudget, int minRuns, int maxRuns,
                                 int warmupRuns) {

    public static EvaluationSettings defaults() {
        return new EvaluationSettings(Long.MAX_VALUE, true, Duration.ofSeconds(2), 20, 2000, 5);
    }

    public EvaluationSettings withMaxSamples(long samples) {
        return new EvaluationSettings(samples, latency, latencyBudget, minRuns, maxRuns, warmupRuns);
    }

    public EvaluationSettings withLatency(Duration budget, int min, int max) {
        return new EvaluationSettings(maxSamples, true, budget, min, max, warmupRuns);
    }

    public EvaluationSettings withoutLatency() {
        return new EvaluationSettings(maxSamples, false, latencyBudget, minRuns, maxRuns, warmupRuns);
    }
}
