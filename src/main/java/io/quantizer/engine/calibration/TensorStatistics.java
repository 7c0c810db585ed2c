package io.quantizer.engine.calibration;

/**
 * What calibration saw of one tensor, next to the range it chose.
 *
 * @param method          the calibration method that chose {@code range}
 * @param valueCount      finite values observed
 * @param nonFiniteCount  NaN and infinite values observed (left out of the range)
 * @param observedMin     smallest finite value observed (0 when none)
 * @param observedMax     largest finite value observed (0 when none)
 * @param range           the chosen range
 * @param clippedFraction share of observed values outside {@code range}; null where the method cannot tell
 *                        (a moving-average MinMax keeps no histogram)
 */
public record TensorStatistics(
        String method,
        long valueCount,
        long nonFiniteCount,
        float observedMin,
        float observedMax,
        TensorRange range,
        Double clippedFraction) {
}
