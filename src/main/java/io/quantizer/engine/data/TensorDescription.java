package io.quantizer.engine.data;

import java.util.List;

/** One array of a data set: its name, NumPy element type, and shape (first dimension = samples). */
public record TensorDescription(String name, NumpyType elementType, List<Long> shape) {

    public TensorDescription {
        shape = List.copyOf(shape);
    }
}
