package io.quantizer.engine.quantize;

import java.nio.FloatBuffer;
import java.util.Arrays;

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
    /** Floats read at a time from a weight's data: a chunk stays in the L1 cache. */
    private static final int CHUNK = 8192;
    /** 1.5·2²³: {@code (v + shift) − shift} is v rounded half to even, for |v| < 2²². */
    private static final float ROUNDING_SHIFT = 12582912f;

    public enum ElementType {
        UINT8(0, 255, "uint8"), INT8(-128, 127, "int8"), UINT16(0, 65535, "uint16"),
        INT32(Integer.MIN_VALUE, Integer.MAX_VALUE, "int32");

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
        for (float scale : scales) {
            if (!Float.isFinite(scale)) { // a range reaching inf or ±FLT_MAX: such tensors must stay float
                throw new IllegalArgumentException("non-finite scale " + scale);
            }
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
            // the middle of the type: 128 for uint8, 32768 for uint16, 0 for int8; 127 (32767) steps either side
            int zero = type.min == 0 ? (int) ((type.max + 1) / 2) : 0;
            float scale = absMax == 0 ? DEGENERATE_SCALE : absMax / (float) ((type.max - type.min) / 2);
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
        return symmetricWeight(channelExtremes(FloatBuffer.wrap(values), dims, axis), axis, FULL_WEIGHT_LEVELS);
    }

    /** Largest weight magnitude, in steps, of full-range symmetric int8 weights. */
    public static final int FULL_WEIGHT_LEVELS = 127;

    /** {@link #symmetricWeight(float[][], Integer, int)} over the full int8 range. */
    static QuantParams symmetricWeight(float[][] extremes, Integer axis) {
        return symmetricWeight(extremes, axis, FULL_WEIGHT_LEVELS);
    }

    /**
     * The same from {@link #channelExtremes}, so that one pass over a weight gives its range and its scales;
     * {@code levels} is the largest magnitude in steps: 127, or 63 for 7-bit weights ({@link TargetProfile}).
     */
    static QuantParams symmetricWeight(float[][] extremes, Integer axis, int levels) {
        float[] scales = new float[extremes.length];
        for (int c = 0; c < scales.length; c++) {
            float absMax = extremes[c][0] > extremes[c][1] ? 0f // a channel without values
                    : Math.max(Math.abs(extremes[c][0]), Math.abs(extremes[c][1]));
            scales[c] = absMax == 0 ? 1f : absMax / levels;
        }
        return new QuantParams(scales, new int[scales.length], ElementType.INT8, axis);
    }

    /**
     * {min, max} of each channel along {@code axis} (one channel when it is null), NaN where a channel holds one.
     * Reads the values in chunks: a weight is scanned once, in cache, without being decoded whole.
     */
    static float[][] channelExtremes(FloatBuffer values, int[] dims, Integer axis) {
        int channels = axis == null ? 1 : dims[axis];
        if (channels > 1 && innerSize(dims, axis) == 1) {
            return interleavedExtremes(values, channels);
        }
        float[][] extremes = new float[channels][];
        for (int c = 0; c < channels; c++) {
            extremes[c] = new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        }
        float[] chunk = new float[CHUNK];
        forEachRun(values.remaining(), dims, axis, channels, (c, from, to) -> {
            float lo = extremes[c][0];
            float hi = extremes[c][1];
            float nonFinite = 0; // x − x is 0 for finite x, NaN for NaN and ±∞
            for (int start = from; start < to; start += CHUNK) {
                int length = Math.min(CHUNK, to - start);
                values.get(values.position() + start, chunk, 0, length);
                // comparisons, not Math.min/max: those are not vectorised here and cost 2–3× more per element
                for (int i = 0; i < length; i++) {
                    float x = chunk[i];
                    lo = x < lo ? x : lo;
                    hi = x > hi ? x : hi;
                    nonFinite += x - x;
                }
            }
            if (nonFinite != 0) {
                // a NaN (rare) must show in the extremes as Math.min/max would show it: the scale becomes NaN
                for (int i = from; i < to; i++) {
                    lo = Math.min(lo, values.get(values.position() + i));
                    hi = Math.max(hi, values.get(values.position() + i));
                }
            }
            extremes[c][0] = lo;
            extremes[c][1] = hi;
        });
        return extremes;
    }

    /**
     * {@link #channelExtremes} when the channel axis is the last one (a MatMul weight [K, N] per output column):
     * channel runs are one value long there, so the values are read row by row, each row holding one value of every
     * channel, and the per-channel loop over a row is what the JIT vectorises.
     */
    private static float[][] interleavedExtremes(FloatBuffer values, int channels) {
        float[] lo = new float[channels];
        float[] hi = new float[channels];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        float nonFinite = 0;
        float[] row = new float[channels];
        int length = values.remaining();
        for (int start = 0; start + channels <= length; start += channels) {
            values.get(values.position() + start, row, 0, channels);
            for (int c = 0; c < channels; c++) {
                float x = row[c];
                lo[c] = x < lo[c] ? x : lo[c];
                hi[c] = x > hi[c] ? x : hi[c];
                nonFinite += x - x;
            }
        }
        float[][] extremes = new float[channels][];
        for (int c = 0; c < channels; c++) {
            extremes[c] = new float[] {lo[c], hi[c]};
        }
        if (nonFinite != 0) {
            // a NaN (rare) must show in its channel's extremes as Math.min/max would show it
            for (int i = 0; i < length; i++) {
                float x = values.get(values.position() + i);
                float[] e = extremes[i % channels];
                e[0] = Math.min(e[0], x);
                e[1] = Math.max(e[1], x);
            }
        }
        return extremes;
    }

    /** Quantizes {@code values} laid out with {@code dims}; per-channel parameters apply along {@link #axis()}. */
    public int[] quantize(float[] values, int[] dims) {
        double qmin = symmetricInt8() ? -127 : type.min;
        double qmax = type.max;
        int[] out = new int[values.length];
        forEachRun(values.length, dims, axis, scales.length, (c, from, to) -> {
            double scale = scales[c];
            int zero = zeroPoints[c];
            for (int i = from; i < to; i++) {
                out[i] = (int) Math.max(qmin, Math.min(qmax, Math.rint(values[i] / scale) + zero));
            }
        });
        return out;
    }

    /**
     * Quantizes to an 8-bit type straight into bytes, reading the values in chunks so that a large weight is read
     * once and its quantized copy written once. The arithmetic is float32, as ONNX's QuantizeLinear and ONNX Runtime's
     * own quantizer define it ({@code round(x / scale) + zero point}, halves to even): adding and subtracting
     * 1.5·2²³ rounds a float to the nearest even integer exactly when its magnitude is below 2²², and anything
     * larger is clamped anyway. Clamping with comparisons, not Math.min/max, keeps the loop cheap: measured
     * here 2 ns per element against 10 for double division, Math.rint and Math.min/max.
     */
    public byte[] quantizeToBytes(FloatBuffer values, int[] dims) {
        if (type == ElementType.INT32 || type == ElementType.UINT16) {
            throw new IllegalStateException(type.onnxName + " values do not fit bytes");
        }
        float qmin = symmetricInt8() ? -127 : type.min;
        float qmax = type.max;
        byte[] out = new byte[values.remaining()];
        if (scales.length > 1 && innerSize(dims, axis) == 1) {
            quantizeInterleaved(values, out, qmin, qmax);
            return out;
        }
        float[] chunk = new float[CHUNK];
        forEachRun(out.length, dims, axis, scales.length, (c, from, to) -> {
            float scale = scales[c];
            float zero = zeroPoints[c];
            for (int start = from; start < to; start += CHUNK) {
                int length = Math.min(CHUNK, to - start);
                values.get(values.position() + start, chunk, 0, length);
                for (int i = 0; i < length; i++) {
                    float q = chunk[i] / scale + ROUNDING_SHIFT - ROUNDING_SHIFT + zero;
                    q = q < qmin ? qmin : q;
                    q = q > qmax ? qmax : q;
                    out[start + i] = (byte) (int) q;
                }
            }
        });
        return out;
    }

    /** {@link #quantizeToBytes} row by row when the channel axis is the last one (see interleavedExtremes). */
    private void quantizeInterleaved(FloatBuffer values, byte[] out, float qmin, float qmax) {
        int channels = scales.length;
        float[] zeros = new float[channels];
        for (int c = 0; c < channels; c++) {
            zeros[c] = zeroPoints[c];
        }
        float[] row = new float[channels];
        for (int start = 0; start + channels <= out.length; start += channels) {
            values.get(values.position() + start, row, 0, channels);
            for (int c = 0; c < channels; c++) {
                float q = row[c] / scales[c] + ROUNDING_SHIFT - ROUNDING_SHIFT + zeros[c];
                q = q < qmin ? qmin : q;
                q = q > qmax ? qmax : q;
                out[start + c] = (byte) (int) q;
            }
        }
    }

    /** Consecutive elements that share a channel: [from, to) of channel {@code channel}. */
    private interface ChannelRun {
        void accept(int channel, int from, int to);
    }

    /** Walks the tensor in runs of one channel, so the channel is found once per run, not per element. */
    private static void forEachRun(int length, int[] dims, Integer axis, int channels, ChannelRun run) {
        int inner = Math.max(1, axis == null ? length : innerSize(dims, axis));
        for (int block = 0, from = 0; from < length; block++, from += inner) {
            run.accept(block % channels, from, Math.min(length, from + inner));
        }
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
