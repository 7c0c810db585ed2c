package io.quantizer.model.onnx;

import java.util.Collections;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A graph input or output as a client sees it.
 *
 * @param elementType NumPy's name for the element type ({@code float32}, {@code int64}); for values that are not
 *                    tensors, the ONNX kind ({@code sequence}, {@code map}, {@code optional}, {@code sparse_tensor})
 * @param shape       dimensions with -1 for a dynamic one; null when the model does not declare a rank
 * @param dimNames    the symbolic name of each dimension (null for a fixed one); null when no dimension has one
 */
@Schema(name = "TensorSignature", description = "A graph input or output")
public record TensorSignature(
        String name,
        @Schema(description = "NumPy element type name", example = "float32") String elementType,
        @Schema(description = "dimensions, -1 where dynamic; null when the model declares no rank", nullable = true)
        List<Long> shape,
        @Schema(description = "symbolic name per dimension (null where fixed); null when there are none",
                nullable = true)
        List<String> dimNames) {

    public TensorSignature {
        shape = shape == null ? null : List.copyOf(shape);
        dimNames = dimNames == null ? null : Collections.unmodifiableList(new java.util.ArrayList<>(dimNames));
    }
}
