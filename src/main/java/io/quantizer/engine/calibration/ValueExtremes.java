package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;

/** Running minimum, maximum and counts of finite and non-finite values. */
final class ValueExtremes {

    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long finiteCount;
    private long nonFiniteCount;

    static ValueExtremes of(FloatBuffer values) {
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
