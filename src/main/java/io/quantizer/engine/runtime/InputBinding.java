package io.quantizer.engine.runtime;

import java.util.Arrays;

import ai.onnxruntime.OnnxJavaType;

/**
 * How one model input is fed from one data set array.
 *
 * @param inputName   the model input
 * @param arrayName   the data set array that feeds it
 * @param type        the element type the model expects (FLOAT, INT64 or INT32)
 * @param sampleShape the shape of one sample as fed, without the batch dimension when {@code batched}
 * @param batched     whether samples are stacked along a leading batch dimension
 */
public record InputBinding(String inputName, String arrayName, OnnxJavaType type, long[] sampleShape,
                           boolean batched) {

    public InputBinding {
        sampleShape = sampleShape.clone();
    }

    /** The shape of the tensor fed for {@code n} samples ({@code n} is 1 unless batched). */
    public long[] shape(int n) {
        if (!batched) {
            return sampleShape.clone();
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    public int elementsPerSample() {
        long n = 1;
        for (long d : sampleShape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputBinding b && inputName.equals(b.inputName) && arrayName.equals(b.arrayName)
                && type == b.type && Arrays.equals(sampleShape, b.sampleShape) && batched == b.batched;
    }

    @Override
    public int hashCode() {
        return inputName.hashCode() * 31 + Arrays.hashCode(sampleShape);
    }

    @Override
    public String toString() {
        return inputName + " <- " + arrayName + " " + Arrays.toString(sampleShape) + (batched ? " batched" : "");
    }
}
