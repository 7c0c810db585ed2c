package io.quantizer.model.onnx;

import java.util.Collections;
import java.util.List;

/**
 * A graph input or output as a client sees it.
 *
 * @param elementType NumPy's name for the element type ({@code float32}, {@code int64}); for values that are not
 *                    tensors, the ONNX kind ({@code sequence}, {@code map}, {@code optional}, {@code sparse_tensor})
 * @param shape       dimensions with -1 for a dynamic one; null when the model does not declare a rank
 * @param dimNames    the symbolic name of each dimension (null for a fixed one); null when no dimension has one
 */
public record TensorSignature(String name, String elementType, List<Long> shape, List<String> dimNames) {

    public TensorSignature {
        shape = shape == null ? null : List.copyOf(shape);
        dimNames = dimNames == null ? null : Collections.unmodifiableList(new java.util.ArrayList<>(dimNames));
    }
}
