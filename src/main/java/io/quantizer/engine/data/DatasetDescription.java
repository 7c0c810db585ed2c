package io.quantizer.engine.data;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a data set holds: its format, the number of samples (the first dimension, shared by every array), its
 * arrays, and which of them is the label array, if any.
 *
 * @param labelTensor the array named {@code label}, {@code labels} or {@code y}, or null
 */
public record DatasetDescription(DatasetFormat format, long sampleCount, List<TensorDescription> tensors,
                                 String labelTensor) {

    /** Names that mark an array as labels, in order of preference when several are present. */
    public static final List<String> LABEL_NAMES = List.of("label", "labels", "y");

    public DatasetDescription {
        tensors = List.copyOf(tensors);
    }

    /** The arrays that feed model inputs: all but the label array. */
    public List<TensorDescription> featureTensors() {
        return tensors.stream().filter(t -> !t.name().equals(labelTensor)).toList();
    }

    public Optional<TensorDescription> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    static String pickLabel(Set<String> names) {
        return LABEL_NAMES.stream().filter(names::contains).findFirst().orElse(null);
    }
}
