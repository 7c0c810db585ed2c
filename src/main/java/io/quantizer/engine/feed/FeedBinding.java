package io.quantizer.engine.feed;

import java.math.BigDecimal;
import java.util.List;

/**
 * How one model input is fed in each run: from a data set array or with a constant.
 *
 * @param input       the model input
 * @param elementType the input's element type (NumPy name); a {@code float16} input may read a {@code float32} array
 * @param array       the data set array that feeds it, or null for a constant
 * @param constant    the value that fills the whole input, or null when an array feeds it
 * @param sampleShape one sample's shape as fed, without the run's batch axis when {@code batchAxis}
 * @param batchAxis   whether the run's samples are stacked on a leading axis (of size 1 when the feed is not batched)
 */
public record FeedBinding(String input, String elementType, String array, BigDecimal constant, List<Long> sampleShape,
                          boolean batchAxis) {

    public FeedBinding {
        sampleShape = List.copyOf(sampleShape);
    }

    public boolean isConstant() {
        return constant != null;
    }

    /** The shape of the tensor fed for a run of {@code n} samples ({@code n} is 1 unless the feed is batched). */
    public long[] shape(int n) {
        int offset = batchAxis ? 1 : 0;
        long[] shape = new long[sampleShape.size() + offset];
        if (batchAxis) {
            shape[0] = n;
        }
        for (int i = 0; i < sampleShape.size(); i++) {
            shape[i + offset] = sampleShape.get(i);
        }
        return shape;
    }

    /** Elements one sample takes. */
    public long elementsPerSample() {
        long n = 1;
        for (long d : sampleShape) {
            n *= d;
        }
        return n;
    }
}
