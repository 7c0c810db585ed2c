package io.quantizer.engine.calibration;

/**
 * The calibrated range of one float tensor: the values the quantizer maps onto the integer grid.
 * {@code min <= max}; either may be 0 but the quantizer widens the range to include 0.
 */
public record TensorRange(float min, float max) {

    public TensorRange {
        if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
            throw new IllegalArgumentException("invalid range [" + min + ", " + max + "]");
        }
    }
}
