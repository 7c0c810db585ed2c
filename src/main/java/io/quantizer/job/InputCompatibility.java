package io.quantizer.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks at submit time that a data set can feed a model, so a job that cannot run is never created.
 * The data set's first dimension is the sample dimension: a model with a dynamic batch is fed in batches,
 * a model with a fixed batch of 1 one sample at a time, so every later dimension must match the model's.
 */
final class InputCompatibility {

    private static final Set<String> INTEGER_TYPES =
            Set.of("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64");

    private InputCompatibility() {
    }

    /** One problem: which request field and tensor it concerns, and what does not fit. */
    record Problem(String field, String message) {
    }

    /** Problems feeding {@code dataset} (referred to by {@code field}) into {@code model}; empty when it fits. */
    static List<Problem> inputs(ModelFacts model, DatasetFacts dataset, String field) {
        List<Problem> problems = new ArrayList<>();
        List<TensorSpec> features = dataset.features();
        for (TensorSpec input : model.inputs()) {
            Optional<TensorSpec> fed = feeding(input, model, features);
            if (fed.isEmpty()) {
                problems.add(new Problem(field, missingMessage(input, model, features)));
            } else {
                shapeProblem(input, fed.get(), dataset.sampleCount())
                        .ifPresent(m -> problems.add(new Problem(field, m)));
            }
        }
        return problems;
    }

    /** Problems with the data set's labels for this model: integer type, one label per sample, class range. */
    static List<Problem> labels(ModelFacts model, DatasetFacts dataset, Optional<JobCatalog.LabelRange> range,
                                String field) {
        Optional<TensorSpec> labels = dataset.labels();
        if (labels.isEmpty()) {
            return List.of();
        }
        TensorSpec label = labels.get();
        List<Problem> problems = new ArrayList<>();
        if (!INTEGER_TYPES.contains(label.elementType())) {
            problems.add(new Problem(field, "label array " + label.describe() + " must hold integer class indices, "
                    + "not " + label.elementType()));
        }
        List<Long> shape = label.shape();
        if (!(shape.size() == 1 || (shape.size() == 2 && shape.get(1) == 1))) {
            problems.add(new Problem(field, "label array " + label.describe()
                    + " must have one label per sample: shape [" + dataset.sampleCount() + "] or ["
                    + dataset.sampleCount() + ", 1]"));
        }
        long classes = classCount(model);
        if (problems.isEmpty() && range.isPresent()) {
            JobCatalog.LabelRange r = range.get();
            if (r.min() < 0 || (classes > 0 && r.max() >= classes)) {
                String bound = classes > 0 ? "0.." + (classes - 1) + " (model output '" + model.outputs().get(0).name()
                        + "' has " + classes + " classes)" : "non-negative class indices";
                problems.add(new Problem(field, "label array '" + label.name() + "' holds values from " + r.min()
                        + " to " + r.max() + ", outside " + bound));
            }
        }
        return problems;
    }

    /** The class count the first model output declares in its last dimension, or -1 when unknown. */
    static long classCount(ModelFacts model) {
        if (model.outputs().isEmpty()) {
            return -1;
        }
        List<Long> shape = model.outputs().get(0).shape();
        return shape.size() >= 2 ? shape.get(shape.size() - 1) : -1;
    }

    private static Optional<TensorSpec> feeding(TensorSpec input, ModelFacts model, List<TensorSpec> features) {
        Optional<TensorSpec> byName = features.stream().filter(f -> f.name().equals(input.name())).findFirst();
        if (byName.isPresent()) {
            return byName;
        }
        // a single-input model takes the data set's only feature array, whatever it is called (x, images, ...)
        return model.inputs().size() == 1 && features.size() == 1 ? Optional.of(features.get(0)) : Optional.empty();
    }

    private static String missingMessage(TensorSpec input, ModelFacts model, List<TensorSpec> features) {
        List<String> names = features.stream().map(TensorSpec::name).toList();
        if (features.isEmpty()) {
            return "model input " + input.describe() + " cannot be fed: the data set has no arrays besides labels";
        }
        if (model.inputs().size() == 1) {
            return "model input " + input.describe() + " cannot be fed: the data set has several arrays " + names
                    + " and none is named '" + input.name() + "'";
        }
        return "model input " + input.describe() + " has no array of that name in the data set (arrays: " + names
                + ")";
    }

    private static Optional<String> shapeProblem(TensorSpec input, TensorSpec data, long samples) {
        String pair = "model input " + input.describe() + " and data array " + data.describe();
        if (!input.elementType().equals(data.elementType())) {
            return Optional.of(pair + ": element types differ (" + input.elementType() + " expected, "
                    + data.elementType() + " given)");
        }
        List<Long> want = input.shape();
        List<Long> have = data.shape();
        if (want.isEmpty()) {
            return Optional.of(pair + ": scalar model inputs cannot be fed from a data set, whose first dimension "
                    + "is the sample dimension");
        }
        if (want.size() != have.size()) {
            return Optional.of(pair + ": ranks differ (" + want.size() + " expected, " + have.size()
                    + " given; the data's first dimension is the sample dimension)");
        }
        long batch = want.get(0);
        if (batch > 1 && samples % batch != 0) {
            return Optional.of(pair + ": the model has a fixed batch of " + batch + " but the data set holds "
                    + samples + " samples, not a multiple of it");
        }
        for (int i = 1; i < want.size(); i++) {
            long w = want.get(i);
            if (w >= 0 && w != have.get(i)) {
                return Optional.of(pair + ": dimension " + i + " is " + have.get(i) + " in the data but " + w
                        + " in the model");
            }
        }
        return Optional.empty();
    }
}
