package io.quantizer.job;

import java.util.List;
import java.util.UUID;

/** What a job needs to know about a stored model: where its bytes are and its signature. */
public record ModelFacts(UUID id, String name, String objectKey, List<TensorSpec> inputs, List<TensorSpec> outputs) {

    public ModelFacts {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
