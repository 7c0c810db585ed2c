package io.quantizer.job;

import java.util.List;
import java.util.UUID;

/**
 * What a job needs to know about a stored model: where its bytes are and its signature.
 *
 * @param externalData the external-data files the worker places beside the .onnx, by the name its tensors use
 */
public record ModelFacts(UUID id, String name, String objectKey, List<TensorSpec> inputs, List<TensorSpec> outputs,
                         List<DataFile> externalData) {

    /** An external-data file: the name the model references it by, and where its bytes are stored. */
    public record DataFile(String name, String objectKey) {
    }

    public ModelFacts {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        externalData = List.copyOf(externalData);
    }

    /** A self-contained model. */
    public ModelFacts(UUID id, String name, String objectKey, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this(id, name, objectKey, inputs, outputs, List.of());
    }
}
