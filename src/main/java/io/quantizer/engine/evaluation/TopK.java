package io.quantizer.engine.evaluation;

import java.nio.FloatBuffer;

/** Counts top-1/top-5 hits against labels and argmax agreement between two models, row by row. */
final class TopK {

    private final int classes;
    private long rows;
    private long referenceTop1;
    private long referenceTop5;
    private long quantizedTop1;
    private long quantizedTop5;
    private long agreements;

    TopK(int classes) {
        this.classes = classes;
    }

    int classes() {
        return classes;
    }

    /** Rows of {@code classes} scores; {@code labels} may be null (agreement only). */
    void add(FloatBuffer reference, FloatBuffer quantized, long[] labels) {
        int n = reference.remaining() / classes;
        for (int row = 0; row < n; row++) {
            int r0 = reference.position() + row * classes;
            int q0 = quantized.position() + row * classes;
            if (argmax(reference, r0) == argmax(quantized, q0)) {
                agreements++;
            }
            if (labels != null) {
                int label = (int) labels[row];
                int refRank = rank(reference, r0, label);
                int quantRank = rank(quantized, q0, label);
                referenceTop1 += refRank == 0 ? 1 : 0;
                referenceTop5 += refRank < 5 ? 1 : 0;
                quantizedTop1 += quantRank == 0 ? 1 : 0;
                quantizedTop5 += quantRank < 5 ? 1 : 0;
            }
        }
        rows += n;
    }

    private int argmax(FloatBuffer b, int start) {
        int best = 0;
        float bestValue = b.get(start);
        for (int c = 1; c < classes; c++) {
            float v = b.get(start + c);
            if (v > bestValue) {
                best = c;
                bestValue = v;
            }
        }
        return best;
    }

    /** How many classes score strictly higher than the label (ties count in the label's favour). */
    private int rank(FloatBuffer b, int start, int label) {
        float target = b.get(start + label);
        int higher = 0;
        for (int c = 0; c < classes; c++) {
            if (b.get(start + c) > target) {
                higher++;
            }
        }
        return higher;
    }

    long rows() {
        return rows;
    }

    double agreement() {
        return (double) agreements / rows;
    }

    double referenceTop1() {
        return (double) referenceTop1 / rows;
    }

    double referenceTop5() {
        return (double) referenceTop5 / rows;
    }

    double quantizedTop1() {
        return (double) quantizedTop1 / rows;
    }

    double quantizedTop5() {
        return (double) quantizedTop5 / rows;
    }
}
