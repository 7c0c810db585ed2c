package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;

/** Running minimum, maximum and counts of finite and non-finite values. */
final class ValueExtremes {

    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long finiteCount;
    private long nonFiniteCount;

    /** Values are copied out in chunks of this many: loops over a float[] run several times faster here. */
    static final int CHUNK = 8192;

    static ValueExtremes of(FloatBuffer values) {
        ValueExtremes e = new ValueExtremes();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        boolean anyNonFinite = false;
        float[] chunk = new float[CHUNK];
        int start = values.position();
        int end = values.limit();
        for (int offset = start; offset < end; offset += CHUNK) {
            int length = Math.min(CHUNK, end - offset);
            values.get(offset, chunk, 0, length);
            for (int i = 0; i < length; i++) {
                float x = chunk[i];
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
                // x − x is 0 for every finite x and NaN for NaN and ±∞
                anyNonFinite |= x - x != 0;
            }
        }
        if (anyNonFinite) {
            return ofWithNonFinite(values);
        }
        e.min = lo;
        e.max = hi;
        e.finiteCount = end - start;
        return e;
    }

    /** The rare path: NaN or infinities present, left out of the extremes and counted. */
    private static ValueExtremes ofWithNonFinite(FloatBuffer values) {
        ValueExtremes e = new ValueExtremes();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        long bad = 0;
        int end = values.limit();
        for (int i = values.position(); i < end; i++) {
            float x = values.get(i);
            if (Float.isFinite(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            } else {
                bad++;
            }
        }
        e.min = lo;
        e.max = hi;
        e.nonFiniteCount = bad;
        e.finiteCount = (end - values.position()) - bad;
        return e;
    }

    void merge(ValueExtremes other) {
        if (other.finiteCount > 0) {
            mergeExtremes(other.min, other.max, other.finiteCount);
        }
        nonFiniteCount += other.nonFiniteCount;
    }

    void mergeExtremes(float batchMin, float batchMax, long count) {
        min = Math.min(min, batchMin);
        max = Math.max(max, batchMax);
        finiteCount += count;
    }

    /** Some values counted as finite turned out not to be. */
    void reclassifyAsNonFinite(long count) {
        finiteCount -= count;
        nonFiniteCount += count;
    }

    void addNonFinite(long count) {
        nonFiniteCount += count;
    }

    /** Smallest finite value, or 0 when none was seen. */
    float min() {
        return finiteCount > 0 ? min : 0f;
    }

    float max() {
        return finiteCount > 0 ? max : 0f;
    }

    float maxAbs() {
        return finiteCount > 0 ? Math.max(Math.abs(min), Math.abs(max)) : 0f;
    }

    long finiteCount() {
        return finiteCount;
    }

    long nonFiniteCount() {
        return nonFiniteCount;
    }
}
