package io.quantizer.job;

import java.util.List;

/**
 * A named tensor with its NumPy element type name and shape (-1 for a dynamic dimension; null when a model
 * declares no rank).
 */
public record TensorSpec(String name, String elementType, List<Long> shape) {

    public TensorSpec {
        shape = shape == null ? null : List.copyOf(shape);
    }

    public String describe() {
        return "'" + name + "' " + elementType + shape;
    }
}
