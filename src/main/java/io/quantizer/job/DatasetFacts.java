package io.quantizer.job;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a job needs to know about a stored data set: where its bytes are, its file extension ({@code npz} or
 * {@code npy}), the sample count (first dimension of every array), the arrays and which one holds labels.
 */
public record DatasetFacts(UUID id, String objectKey, String extension, long sampleCount, List<TensorSpec> tensors,
                           String labelTensor) {

    public DatasetFacts {
        tensors = List.copyOf(tensors);
    }

    /** The arrays that can feed model inputs: all but the label array. */
    public List<TensorSpec> features() {
        return tensors.stream().filter(t -> !t.name().equals(labelTensor)).toList();
    }

    public Optional<TensorSpec> labels() {
        return tensors.stream().filter(t -> t.name().equals(labelTensor)).findFirst();
    }
}
