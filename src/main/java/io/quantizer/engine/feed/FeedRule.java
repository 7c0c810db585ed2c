package io.quantizer.engine.feed;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one rule for feeding a model from a data set, used by the API when a job is submitted and by the engine
 * when it runs one, so the two cannot disagree. A pure function of plain descriptions.
 *
 * <ul>
 *   <li>Inputs named in {@code constants} take that value everywhere; a dynamic dimension of such an input is
 *       the run's batch on axis 0 of a batched feed, else 1. The data set must not also hold that input.</li>
 *   <li>Every other input is fed from the data array of its name; if exactly one input is left to feed and the
 *       data set has one array (labels aside) not named after an input, that array feeds it whatever its name.</li>
 *   <li>The data's first dimension is the sample dimension. An input of the data's rank takes the samples on its
 *       axis 0, which must be dynamic or 1; an input of one rank less takes one sample as it is (a scalar from
 *       data shaped [N], a state shaped [2, batch, C] from data shaped [N, 2, 1, C]). Other dimensions must
 *       match where the model fixes them. A fixed batch above 1 is refused: the engine cannot split a data set
 *       into runs of B samples and still measure latency at batch 1.</li>
 *   <li>Several samples go into one run only when every data-fed input takes them on a dynamic axis 0 and no
 *       constant has a dynamic dimension elsewhere; otherwise runs hold one sample.</li>
 *   <li>Element types: see {@link FeedTypes}.</li>
 * </ul>
 */
public final class FeedRule {

    /** Most entries {@code constantInputs} may have. */
    public static final int MAX_CONSTANTS = 64;

    private FeedRule() {
    }

    /**
     * @param inputs    the model's inputs (initializers excluded)
     * @param arrays    the data set's arrays that can feed inputs (labels excluded), the first dimension being
     *                  the sample count
     * @param constants the recipe's {@code constantInputs} (may be empty)
     */
    public static FeedPlan plan(List<FeedInput> inputs, List<FeedArray> arrays, Map<String, BigDecimal> constants) {
        List<FeedProblem> problems = new ArrayList<>(constantProblems(inputs, arrays, constants));
        Set<String> inputNames = inputs.stream().map(FeedInput::name).collect(Collectors.toSet());
        List<FeedInput> fromData = inputs.stream().filter(i -> !constants.containsKey(i.name())).toList();
        List<FeedArray> unnamed = arrays.stream().filter(a -> !inputNames.contains(a.name())).toList();

        Map<String, FeedArray> sources = new LinkedHashMap<>();
        for (FeedInput input : fromData) {
            Optional<FeedArray> byName = arrays.stream().filter(a -> a.name().equals(input.name())).findFirst();
            if (byName.isEmpty() && fromData.size() == 1 && arrays.size() == 1 && unnamed.size() == 1) {
                byName = Optional.of(unnamed.get(0));
            }
            if (byName.isPresent()) {
                sources.put(input.name(), byName.get());
            } else {
                problems.add(new FeedProblem(input.name(), false, missing(input, fromData, arrays)));
            }
        }
        for (FeedInput input : fromData) {
            FeedArray array = sources.get(input.name());
            if (array != null) {
                dataProblem(input, array).ifPresent(m -> problems.add(new FeedProblem(input.name(), false, m)));
            }
        }
        if (!problems.isEmpty()) {
            return new FeedPlan(List.of(), false, problems);
        }
        boolean batched = !fromData.isEmpty()
                && fromData.stream().allMatch(i -> leadingBatch(i, sources.get(i.name())) && i.shape().get(0) < 0)
                && inputs.stream().filter(i -> constants.containsKey(i.name()))
                        .allMatch(i -> i.shape().stream().skip(1).allMatch(d -> d >= 0));
        List<FeedBinding> bindings = new ArrayList<>();
        for (FeedInput input : inputs) {
            BigDecimal constant = constants.get(input.name());
            bindings.add(constant != null ? constantBinding(input, constant, batched)
                    : dataBinding(input, sources.get(input.name())));
        }
        return new FeedPlan(bindings, batched, List.of());
    }

    private static List<FeedProblem> constantProblems(List<FeedInput> inputs, List<FeedArray> arrays,
                                                      Map<String, BigDecimal> constants) {
        List<FeedProblem> problems = new ArrayList<>();
        if (constants.size() > MAX_CONSTANTS) {
            problems.add(new FeedProblem("", true, "constantInputs has " + constants.size() + " entries; at most "
                    + MAX_CONSTANTS + " are allowed"));
            return problems;
        }
        List<String> names = inputs.stream().map(FeedInput::name).toList();
        constants.forEach((name, value) -> {
            Optional<FeedInput> input = inputs.stream().filter(i -> i.name().equals(name)).findFirst();
            if (input.isEmpty()) {
                problems.add(new FeedProblem(name, true, "constantInputs names '" + name + "', which is not an "
                        + "input of the model (its inputs are " + names + ")"));
                return;
            }
            FeedInput in = input.get();
            if (value == null) {
                problems.add(new FeedProblem(name, true, "constantInputs '" + name + "' has no value"));
            } else if (!FeedTypes.isFed(in.elementType())) {
                problems.add(new FeedProblem(name, true, typeMessage(in)));
            } else {
                FeedTypes.constantProblem(in.elementType(), value).ifPresent(why -> problems.add(new FeedProblem(
                        name, true, "constantInputs '" + name + "' = " + value.toPlainString()
                        + " cannot fill model input " + in.describe() + ": " + why)));
            }
            if (arrays.stream().anyMatch(a -> a.name().equals(name))) {
                problems.add(new FeedProblem(name, true, "model input '" + name + "' is given both as an array of "
                        + "the data set and in constantInputs; drop one of them"));
            }
        });
        return problems;
    }

    private static String missing(FeedInput input, List<FeedInput> fromData, List<FeedArray> arrays) {
        List<String> names = arrays.stream().map(FeedArray::name).toList();
        String hint = " (or hold it constant with the recipe's constantInputs)";
        if (arrays.isEmpty()) {
            return "model input " + input.describe() + " cannot be fed: the data set has no arrays besides labels"
                    + hint;
        }
        if (fromData.size() == 1) {
            return "model input " + input.describe() + " cannot be fed: the data set has " + (names.size() > 1
                    ? "several arrays " : "arrays ") + names + " and none is named '" + input.name() + "'" + hint;
        }
        return "model input " + input.describe() + " has no array of that name in the data set (arrays: " + names
                + ")" + hint;
    }

    private static Optional<String> dataProblem(FeedInput input, FeedArray array) {
        String pair = "model input " + input.describe() + " and data array " + array.describe();
        if (!FeedTypes.isFed(input.elementType())) {
            return Optional.of(typeMessage(input));
        }
        if (!FeedTypes.feeds(array.elementType(), input.elementType())) {
            String allowed = "float16".equals(input.elementType()) ? "float16 or float32" : input.elementType();
            return Optional.of(pair + ": element types differ (" + allowed + " expected, " + array.elementType()
                    + " given)");
        }
        List<Long> model = input.shape();
        List<Long> sample = array.shape().subList(1, array.shape().size());
        if (model.size() == sample.size() + 1) {
            long batch = model.get(0);
            if (batch > 1) {
                return Optional.of(pair + ": the model has a fixed batch of " + batch + " on axis 0; the engine "
                        + "feeds one sample per run or a dynamic batch, so export the model with a dynamic or "
                        + "size-1 batch dimension, or make each sample a whole batch (an array shaped [N"
                        + tail(model, 0) + "])");
            }
            return mismatch(pair, model.subList(1, model.size()), sample, 1);
        }
        if (model.size() == sample.size()) {
            return mismatch(pair, model, sample, 0);
        }
        return Optional.of(pair + ": ranks differ (" + model.size() + " expected, " + array.shape().size()
                + " given; the array's first dimension is the sample dimension): give an array shaped [N"
                + tail(model, 1) + "] to feed samples on the input's axis 0, or [N" + tail(model, 0)
                + "] to feed one whole sample per run");
    }

    private static Optional<String> mismatch(String pair, List<Long> model, List<Long> sample, int offset) {
        for (int d = 0; d < model.size(); d++) {
            long want = model.get(d);
            if (want >= 0 && want != sample.get(d)) {
                return Optional.of(pair + ": dimension " + (d + offset) + " is " + sample.get(d) + " in the data but "
                        + want + " in the model" + (offset == 0 ? " (one sample per run: array dimension " + (d + 1)
                        + " feeds input dimension " + d + ")" : ""));
            }
        }
        return Optional.empty();
    }

    private static String typeMessage(FeedInput input) {
        if (FeedTypes.NOT_TENSORS.contains(input.elementType())) {
            return "model input '" + input.name() + "' is a " + input.elementType() + ", not a tensor; only tensor "
                    + "inputs can be fed";
        }
        return "model input " + input.describe() + " has element type " + input.elementType() + "; the engine "
                + "feeds " + String.join(", ", FeedTypes.FED) + " inputs";
    }

    private static boolean leadingBatch(FeedInput input, FeedArray array) {
        return input.shape().size() == array.shape().size();
    }

    private static FeedBinding dataBinding(FeedInput input, FeedArray array) {
        List<Long> sample = array.shape().subList(1, array.shape().size());
        return new FeedBinding(input.name(), input.elementType(), array.name(), null, sample,
                leadingBatch(input, array));
    }

    private static FeedBinding constantBinding(FeedInput input, BigDecimal value, boolean batched) {
        List<Long> shape = input.shape();
        boolean batchAxis = batched && !shape.isEmpty() && shape.get(0) < 0;
        List<Long> sample = (batchAxis ? shape.subList(1, shape.size()) : shape).stream()
                .map(d -> d < 0 ? 1L : d).toList();
        return new FeedBinding(input.name(), input.elementType(), null, value, sample, batchAxis);
    }

    private static String tail(List<Long> shape, int from) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < shape.size(); i++) {
            s.append(", ").append(shape.get(i) < 0 ? "?" : shape.get(i));
        }
        return s.toString();
    }

    static String dims(List<Long> shape) {
        return shape.stream().map(d -> d < 0 ? "?" : d.toString()).collect(Collectors.joining(", ", "[", "]"));
    }
}
