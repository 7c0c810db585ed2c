package io.quantizer.engine.evaluation;

import java.time.Duration;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Times two sessions on the same inputs, alternating run by run so that both see the same machine state
 * (frequency, caches, other load), after a warm-up that lets ONNX Runtime allocate for the shape.
 * Runs continue until the time budget is spent, within [minRuns, maxRuns] each.
 */
final class LatencyMeter {

    private final Duration budget;
    private final int minRuns;
    private final int maxRuns;
    private final int warmupRuns;

    LatencyMeter(Duration budget, int minRuns, int maxRuns, int warmupRuns) {
        this.budget = budget;
        this.minRuns = minRuns;
        this.maxRuns = Math.max(minRuns, maxRuns);
        this.warmupRuns = warmupRuns;
    }

    /** Latency of {@code reference} and {@code quantized}, in that order. */
    Percentiles[] measure(OrtSession reference, OrtSession quantized, Map<String, OnnxTensor> inputs, int batchSize)
            throws OrtException {
        for (int i = 0; i < warmupRuns; i++) {
            time(reference, inputs);
            time(quantized, inputs);
        }
        long[] a = new long[maxRuns];
        long[] b = new long[maxRuns];
        long deadline = System.nanoTime() + budget.toNanos();
        int runs = 0;
        while (runs < maxRuns && (runs < minRuns || System.nanoTime() < deadline)) {
            a[runs] = time(reference, inputs);
            b[runs] = time(quantized, inputs);
            runs++;
        }
        return new Percentiles[] {Percentiles.of(batchSize, a, runs), Percentiles.of(batchSize, b, runs)};
    }

    private static long time(OrtSession session, Map<String, OnnxTensor> inputs) throws OrtException {
        long start = System.nanoTime();
        session.run(inputs).close();
        return System.nanoTime() - start;
    }
}
