package io.quantizer.engine.quantize;

import java.util.HashMap;
import java.util.Map;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * The parameters of every tensor in a plan: activations from their calibrated ranges, constants from their data,
 * biases from {@code s_input * s_weight}. Weight scales are widened, channel by channel, where the bias would
 * not fit int32 otherwise (a nearly-zero weight channel with a real bias).
 */
final class QuantParamsTable {

    private static final double INT32_LIMIT = Integer.MAX_VALUE;

    private final QuantizationPlan plan;
    private final Map<String, TensorRange> ranges;
    private final QuantParams.ElementType type;
    private final boolean symmetric;
    private final int weightLevels;
    private final GraphIndex index;
    private final Map<String, QuantParams> activations = new HashMap<>();
    private final Map<String, QuantParams> constants = new HashMap<>();
    private final Map<String, TensorRange> constantRanges = new HashMap<>();

    QuantParamsTable(GraphIndex index, QuantizationPlan plan, Map<String, TensorRange> ranges,
            QuantParams.ElementType type, boolean symmetric, int weightLevels) {
        this.index = index;
        this.weightLevels = weightLevels;
        this.plan = plan;
        this.ranges = ranges;
        this.type = type;
        this.symmetric = symmetric;
        // One pass over each weight gives both its range (for the report) and its scales. The weights are
        // independent, so the passes run in parallel (ResNet-50: 25 M values); the maps are filled in plan order.
        Map<String, float[][]> extremes = WeightPasses.inParallel(plan.constants().keySet(), name -> {
            TensorProto tensor = index.constant(name);
            QuantizationPlan.Constant mark = plan.constants().get(name);
            Integer axis = mark.asActivation() ? null : mark.axis();
            return QuantParams.channelExtremes(TensorData.floatView(tensor), TensorData.dims(tensor), axis);
        });
        plan.constants().forEach((name, mark) -> {
            TensorRange range = rangeOf(extremes.get(name), TensorData.elementCount(index.constant(name)));
            constantRanges.put(name, range);
            constants.put(name, mark.asActivation() ? QuantParams.activation(range, type, symmetric)
                    : QuantParams.symmetricWeight(extremes.get(name), mark.axis(), weightLevels));
        });
        plan.biases().forEach(this::widenWeightScalesForBias);
    }

    /**
     * Parameters of an activation with parameters of its own (pass {@link QuantizationPlan#root}); a root that is
     * a constant quantized like an activation (the table a Gather selects from) gives that constant's parameters.
     */
    QuantParams activation(String root) {
        if (constants.containsKey(root)) {
            return constants.get(root);
        }
        return activations.computeIfAbsent(root, t -> {
            QuantizationPlan.Activation mark = plan.activation(t);
            if (mark != null && mark.fixed() != null) {
                return mark.fixed();
            }
            TensorRange range = ranges.get(t);
            if (range == null) {
                throw new IllegalStateException("no calibrated range for '" + t + "'");
            }
            return QuantParams.activation(range, type, symmetric);
        });
    }

    /** The calibrated range of an activation's root, widened to include zero as quantization does. */
    TensorRange activationRange(String root) {
        if (constantRanges.containsKey(root)) {
            TensorRange range = constantRanges.get(root);
            return new TensorRange(Math.min(0f, range.min()), Math.max(0f, range.max()));
        }
        QuantizationPlan.Activation mark = plan.activation(root);
        QuantParams p = activation(root);
        if (mark != null && mark.fixed() != null) {
            return new TensorRange(p.dequantize((int) p.type().min, 0), p.dequantize((int) p.type().max, 0));
        }
        TensorRange range = ranges.get(root);
        return new TensorRange(Math.min(0f, range.min()), Math.max(0f, range.max()));
    }

    QuantParams constant(String name) {
        return constants.get(name);
    }

    TensorRange constantRange(String name) {
        return constantRanges.get(name);
    }

    /** int32, zero point 0, {@code s = s_input * s_weight} (per channel when the weight is). */
    QuantParams bias(QuantizationPlan.Bias bias) {
        float inputScale = activation(plan.root(bias.input())).scales()[0];
        QuantParams weight = constants.get(bias.weight());
        float[] scales = new float[weight.scales().length];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = inputScale * weight.scales()[c];
        }
        return new QuantParams(scales, new int[scales.length], QuantParams.ElementType.INT32,
                weight.perChannel() ? 0 : null);
    }

    private void widenWeightScalesForBias(QuantizationPlan.Bias bias) {
        float inputScale = activation(plan.root(bias.input())).scales()[0];
        QuantParams weight = constants.get(bias.weight());
        float[] values = TensorData.floats(index.constant(bias.name()));
        float[] scales = weight.scales();
        for (int i = 0; i < values.length; i++) {
            int c = weight.perChannel() ? i : 0;
            double needed = Math.abs(values[i]) / (inputScale * INT32_LIMIT);
            if (c < scales.length && needed > scales[c]) {
                scales[c] = (float) (needed * 1.0001);
            }
        }
    }

    private static TensorRange rangeOf(float[][] channelExtremes, long elements) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float[] e : channelExtremes) {
            min = Math.min(min, e[0]);
            max = Math.max(max, e[1]);
        }
        return elements == 0 ? new TensorRange(0, 0) : new TensorRange(min, max);
    }
}
