package io.quantizer.engine.quantize;

import io.quantizer.engine.calibration.TensorRange;

/**
 * Scale(s) and zero point(s) of one quantized tensor, and the numerics that produce and apply them:
 * {@code q = saturate(round_half_to_even(x / s) + z)}, {@code x' = s * (q - z)}.
 *
 * @param axis null for per-tensor parameters, else the channel axis of per-channel ones
 */
public record QuantParams(float[] scales, int[] zeroPoints, ElementType type, Integer axis) {

    /** Scale given to a range that holds only zero: any scale represents it exactly; a tiny one says so. */
    public static final float DEGENERATE_SCALE = 1e-7f;

    public enum ElementType {
        UINT8(0, 255, "uint8"), INT8(-128, 127, "int8"), INT32(Integer.MIN_VALUE, Integer.MAX_VALUE, "int32");

        final long min;
        final long max;
        final String onnxName;

        ElementType(long min, long max, String onnxName) {
            this.min = min;
            this.max = max;
            this.onnxName = onnxName;
        }

        public String onnxName() {
            return onnxName;
        }
    }

    public QuantParams {
        if (scales.length == 0 || scales.length != zeroPoints.length) {
            throw new IllegalArgumentException("need as many zero points as scales, at least one");
        }
    }

    public boolean perChannel() {
        return axis != null;
    }

    /**
     * Per-tensor parameters of an activation. Asymmetric: {@code s = (max - min) / (qmax - qmin)}, zero point so
     * that 0 is exact. Symmetric: {@code s = max|x| / 127} with the zero point in the middle of the type.
     * The range is widened to include 0 first.
     */
    public static QuantParams activation(TensorRange range, ElementType type, boolean symmetric) {
        float min = Math.min(range.min(), 0f);
        float max = Math.max(range.max(), 0f);
        if (symmetric) {
            float absMax = Math.max(-min, max);
            int zero = type == ElementType.UINT8 ? 128 : 0;
            float scale = absMax == 0 ? DEGENERATE_SCALE : absMax / 127f;
            return new QuantParams(new float[] {scale}, new int[] {zero}, type, null);
        }
        if (max == min) {
            return new QuantParams(new float[] {DEGENERATE_SCALE}, new int[] {(int) Math.max(type.min, 0)}, type, null);
        }
        float scale = (float) (((double) max - min) / (type.max - type.min));
        long zero = Math.round(Math.rint(type.min - min / (double) scale));
        zero = Math.max(type.min, Math.min(type.max, zero));
        return new QuantParams(new float[] {scale}, new int[] {(int) zero}, type, null);
    }

    /**
     * Symmetric int8 weight parameters, {@code s = max|w| / 127}, zero point 0; per channel along {@code axis}
     * when it is not null. A channel of zeros gets scale 1 (its values are exact whatever the scale, and a
     * tiny weight scale would overflow the int32 bias that divides by it).
     */
    public static QuantParams symmetricWeight(float[] values, int[] dims, Integer axis) {
        int channels = axis == null ? 1 : dims[axis];
        int inner = axis == null ? values.length : innerSize(dims, axis);
        float[] absMax = new float[channels];
        for (int block = 0, i = 0; i < values.length; block++) {
            int c = block % channels;
            float m = absMax[c];
            for (int end = i + inner; i < end; i++) {
                m = Math.max(m, Math.abs(values[i]));
            }
            absMax[c] = m;
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = absMax[c] == 0 ? 1f : absMax[c] / 127f;
        }
        return new QuantParams(scales, new int[channels], ElementType.INT8, axis);
    }

    /** Quantizes {@code values} laid out with {@code dims}; per-channel parameters apply along {@link #axis()}. */
    public int[] quantize(float[] values, int[] dims) {
        int channels = scales.length;
        int inner = axis == null ? values.length : innerSize(dims, axis);
        long qmin = symmetricInt8() ? -127 : type.min;
        int[] out = new int[values.length];
        // walk the tensor in runs of one channel, so the channel is found once per run, not per element
        for (int block = 0, i = 0; i < values.length; block++) {
            int c = block % channels;
            double scale = scales[c];
            int zero = zeroPoints[c];
            for (int end = Math.min(values.length, i + Math.max(inner, 1)); i < end; i++) {
                double q = Math.rint(values[i] / scale) + zero;
                out[i] = (int) (q < qmin ? qmin : (q > type.max ? type.max : q));
            }
        }
        return out;
    }

    /** Symmetric int8 keeps -128 unused so the grid is the same on both sides of zero. */
    private boolean symmetricInt8() {
        if (type != ElementType.INT8) {
            return false;
        }
        for (int z : zeroPoints) {
            if (z != 0) {
                return false;
            }
        }
        return true;
    }

    public static int quantize(float x, float scale, int zeroPoint, long qmin, long qmax) {
        double q = Math.rint(x / (double) scale) + zeroPoint;
        return (int) Math.max(qmin, Math.min(qmax, q));
    }

    public float dequantize(int q, int channel) {
        return scales[channel] * (q - zeroPoints[channel]);
    }

    /** Number of elements after {@code axis} (the stride of one step along it). */
    static int innerSize(int[] dims, int axis) {
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        return inner;
    }
}
