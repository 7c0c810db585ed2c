package io.quantizer.engine.report;

import io.quantizer.engine.calibration.TensorStatistics;
import io.quantizer.engine.quantize.QuantizedTensor;

/**
 * One tensor the quantizer replaced by integers.
 *
 * @param kind              {@code activation}, {@code weight} or {@code bias}
 * @param rangeMin          lower end of the float range mapped onto the integer grid
 * @param scales            one per tensor, or one per channel along {@code axis}
 * @param calibrationMethod for calibrated activations, the method that chose the range; else null
 * @param observedMin       for calibrated activations, the smallest value calibration saw; else null
 * @param clippedFraction   for calibrated activations, the share of calibration values outside the range
 */
public record TensorReport(String name, String kind, String elementType, float rangeMin, float rangeMax,
                           float[] scales, int[] zeroPoints, Integer axis, String calibrationMethod,
                           Float observedMin, Float observedMax, Double clippedFraction) {

    static TensorReport of(QuantizedTensor t, TensorStatistics calibrated) {
        boolean hasStats = calibrated != null && "activation".equals(t.kind());
        return new TensorReport(t.name(), t.kind(), t.elementType(), t.rangeMin(), t.rangeMax(), t.scales(),
                t.zeroPoints(), t.axis(), hasStats ? calibrated.method() : null,
                hasStats ? calibrated.observedMin() : null, hasStats ? calibrated.observedMax() : null,
                hasStats ? calibrated.clippedFraction() : null);
    }
}
