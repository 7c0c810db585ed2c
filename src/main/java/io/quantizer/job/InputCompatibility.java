package io.quantizer.job;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.quantizer.engine.feed.FeedArray;
import io.quantizer.engine.feed.FeedInput;
import io.quantizer.engine.feed.FeedPlan;
import io.quantizer.engine.feed.FeedRule;

/**
 * Checks at submit time that a data set (and the recipe's constant inputs) can feed a model, so a job that cannot
 * run is never created. The verdict is the engine's own {@link FeedRule}, put to the stored signatures.
 */
final class InputCompatibility {

    private static final Set<String> INTEGER_TYPES =
            Set.of("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64");

    private InputCompatibility() {
    }

    /** One problem: which request field and tensor it concerns, and what does not fit. */
    record Problem(String field, String message) {
    }

    /**
     * Problems feeding {@code dataset} (referred to by {@code field}) and {@code constants} into {@code model};
     * empty when it fits. Problems with a constant name the recipe field {@code recipe.constantInputs.<name>}.
     */
    static List<Problem> inputs(ModelFacts model, DatasetFacts dataset, String field,
                                Map<String, BigDecimal> constants) {
        FeedPlan plan = FeedRule.plan(feedInputs(model), dataset.features().stream()
                .map(t -> new FeedArray(t.name(), t.elementType(), t.shape())).toList(), constants);
        return plan.problems().stream().map(p -> new Problem(p.constant()
                ? "recipe.constantInputs" + (p.tensor().isEmpty() ? "" : "." + p.tensor()) : field, p.message()))
                .toList();
    }

    /** The model's inputs as the feed rule takes them: a shape the model does not declare is a scalar to it too. */
    static List<FeedInput> feedInputs(ModelFacts model) {
        return model.inputs().stream().map(i -> new FeedInput(i.name(), i.elementType(),
                i.shape() == null ? List.of() : i.shape())).toList();
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
}
