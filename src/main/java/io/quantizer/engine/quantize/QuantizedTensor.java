package io.quantizer.engine.quantize;

/**
 * One tensor the quantizer replaced by integers, for the report.
 *
 * @param kind        {@code activation}, {@code weight} or {@code bias}
 * @param rangeMin    the float range mapped onto the integer grid (calibrated for activations, the data's own
 *                    extremes for constants)
 * @param elementType {@code uint8}, {@code int8} or {@code int32}
 * @param axis        the channel axis of per-channel parameters, null for per-tensor
 */
public record QuantizedTensor(String name, String kind, float rangeMin, float rangeMax, float[] scales,
        int[] zeroPoints, String elementType, Integer axis) {
}
