package io.quantizer.engine.evaluation;

import java.util.Arrays;

/**
 * Latency of one model at one batch size, in milliseconds per run.
 *
 * @param batchSize samples per run
 * @param runs      how many timed runs the percentiles come from
 */
public record Percentiles(int batchSize, double p50, double p95, int runs) {

    static Percentiles of(int batchSize, long[] nanos, int runs) {
        long[] sorted = Arrays.copyOf(nanos, runs);
        Arrays.sort(sorted);
        return new Percentiles(batchSize, millis(sorted, 0.50), millis(sorted, 0.95), runs);
    }

    /** Nearest-rank percentile. */
    private static double millis(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
