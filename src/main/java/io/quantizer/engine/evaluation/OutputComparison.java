package io.quantizer.engine.evaluation;

import java.nio.FloatBuffer;

/**
 * Accumulates how far one output of the quantized model is from the fp32 one over all evaluated samples, in
 * running sums (constant memory): cosine similarity and SQNR over all values, mean and max absolute error.
 */
public final class OutputComparison {

    private final String name;
    private double sumReference2;
    private double sumQuantized2;
    private double sumProduct;
    private double sumError2;
    private double sumAbsError;
    private double maxAbsError;
    private long count;

    public OutputComparison(String name) {
        this.name = name;
    }

    public void add(FloatBuffer reference, FloatBuffer quantized) {
        int n = reference.remaining();
        if (quantized.remaining() != n) {
            throw new IllegalStateException("output '" + name + "' has " + n + " values in fp32 but "
                    + quantized.remaining() + " in the quantized model");
        }
        int r0 = reference.position();
        int q0 = quantized.position();
        for (int i = 0; i < n; i++) {
            double x = reference.get(r0 + i);
            double y = quantized.get(q0 + i);
            double e = x - y;
            sumReference2 += x * x;
            sumQuantized2 += y * y;
            sumProduct += x * y;
            sumError2 += e * e;
            double abs = Math.abs(e);
            sumAbsError += abs;
            if (abs > maxAbsError || Double.isNaN(abs)) {
                maxAbsError = abs;
            }
        }
        count += n;
    }

    public OutputFidelity result() {
        double norms = Math.sqrt(sumReference2) * Math.sqrt(sumQuantized2);
        double cosine;
        if (sumError2 == 0) {
            cosine = 1.0;
        } else {
            cosine = norms == 0 ? 0.0 : Math.max(-1, Math.min(1, sumProduct / norms));
        }
        // identical outputs have an infinite SQNR, which JSON cannot carry: null says "no error at all"
        Double sqnr = sumError2 == 0 ? null : 10 * Math.log10(sumReference2 / sumError2);
        return new OutputFidelity(name, cosine, sqnr, count == 0 ? 0 : sumAbsError / count, maxAbsError);
    }
}
