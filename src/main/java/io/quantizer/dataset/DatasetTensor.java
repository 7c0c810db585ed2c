package io.quantizer.dataset;

import java.util.List;

import io.quantizer.engine.data.TensorDescription;
import io.swagger.v3.oas.annotations.media.Schema;

/** One array of a data set: name, NumPy element type, shape (the first dimension is the sample dimension). */
@Schema(name = "DatasetTensor")
public record DatasetTensor(String name, @Schema(example = "float32") String elementType, List<Long> shape) {

    public DatasetTensor {
        shape = List.copyOf(shape);
    }

    static DatasetTensor of(TensorDescription description) {
        return new DatasetTensor(description.name(), description.elementType().numpyName(), description.shape());
    }
}
