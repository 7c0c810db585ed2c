package io.quantizer.engine.quantize;

import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.GraphIndex;

/**
 * What an op quantizer may ask and do while marking one node. Every float activation counts as calibratable
 * except those in {@code unavailable} (tensors a previous marking needed but calibration did not provide), so the
 * same marking code tells the calibrator which tensors to observe and later decides the quantization.
 */
final class QuantizationContext {

    static final String OUTSIDE_QUANTIZED_REGION =
            "no input is quantized already: Q/DQ here would add error without an int8 kernel to gain";

    private final GraphIndex index;
    private final QuantizationPlan plan;
    private final Set<String> unavailable;
    private final boolean perChannel;
    private final QuantParams.ElementType activationType;
    private final boolean symmetric;
    private final Map<String, TensorRange> ranges;
    private final Map<String, String> sentinels;
    private int currentNode = -1;

    /**
     * @param ranges    calibrated ranges, or null before calibration
     * @param sentinels tensors that must stay float, with the reason ({@link MaskSentinels})
     */
    QuantizationContext(GraphIndex index, QuantizationPlan plan, Set<String> unavailable, boolean perChannel,
            QuantParams.ElementType activationType, boolean symmetric, Map<String, TensorRange> ranges,
            Map<String, String> sentinels) {
        this.index = index;
        this.plan = plan;
        this.unavailable = unavailable;
        this.perChannel = perChannel;
        this.activationType = activationType;
        this.symmetric = symmetric;
        this.ranges = ranges;
        this.sentinels = sentinels;
    }

    /** The node being marked: constants it reads quantized are recorded as read by it. */
    void at(int node) {
        currentNode = node;
    }

    boolean symmetric() {
        return symmetric;
    }

    /** The calibrated range of {@code tensor}; null before calibration or when it has none. */
    TensorRange range(String tensor) {
        return ranges == null ? null : ranges.get(tensor);
    }

    /** Why {@code tensor} must stay float (a mask sentinel or a non-finite value reaches it), or null. */
    String sentinel(String tensor) {
        return sentinels.get(tensor);
    }

    GraphIndex index() {
        return index;
    }

    QuantizationPlan plan() {
        return plan;
    }

    QuantParams.ElementType activationType() {
        return activationType;
    }

    /** A float initializer that nobody can override at run time, and whose values a finite scale represents. */
    TensorProto floatConstant(String tensor) {
        TensorProto constant = index.constant(tensor);
        return constant != null && constant.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && !sentinels.containsKey(tensor) ? constant : null;
    }

    /** Why {@code tensor} is not a quantizable float constant, for the node's decision. */
    String whyNotConstant(String tensor) {
        String sentinel = sentinels.get(tensor);
        return sentinel != null ? sentinel + "; left in float" : "'" + tensor + "' is not a float constant";
    }

    /** A float activation that can be quantized: it has a calibrated range or already reuses other parameters. */
    boolean activationReady(String tensor) {
        if (tensor.isEmpty() || !index.isFloat(tensor) || index.constant(tensor) != null
                || sentinels.containsKey(tensor)) {
            return false;
        }
        if (!unavailable.contains(tensor)) {
            return true;
        }
        QuantizationPlan.Activation marked = plan.activation(tensor);
        return marked != null && (marked.sharesWith() != null || marked.fixed() != null);
    }

    /** Readable quantized: an activation ready for it, or a float constant quantized like one. */
    boolean readable(String tensor) {
        return activationReady(tensor) || floatConstant(tensor) != null;
    }

    /** An output that may get parameters of its own. */
    boolean outputReady(String tensor) {
        return !tensor.isEmpty() && index.isFloat(tensor) && !unavailable.contains(tensor)
                && !sentinels.containsKey(tensor);
    }

    void readQuantized(String tensor) {
        if (floatConstant(tensor) != null) {
            plan.constantActivation(tensor, currentNode);
        } else {
            plan.readQuantized(tensor);
        }
    }

    /** Marks {@code tensor} as an int8 weight of the node being marked. */
    void weight(String tensor, Integer axis) {
        plan.weight(tensor, weightAxis(axis), currentNode);
    }

    /** The weight axis to use: {@code axis} when per-channel weights are wanted and possible, else per-tensor. */
    Integer weightAxis(Integer axis) {
        return perChannel ? axis : null;
    }

    /** Whether some non-constant input is already quantized by its producer (or as a graph input). */
    boolean anyAlreadyQuantized(java.util.List<String> inputs) {
        return inputs.stream().anyMatch(t -> index.constant(t) == null && plan.isActivation(t));
    }

    /** Why an input cannot be read quantized, for the node's decision. */
    String whyNotReadable(String tensor) {
        String sentinel = sentinels.get(tensor);
        if (sentinel != null) {
            return sentinel + "; left in float";
        }
        if (!index.isFloat(tensor)) {
            return "input '" + tensor + "' is not a float tensor";
        }
        if (index.isGraphInput(tensor) && index.initializer(tensor) != null) {
            return "input '" + tensor + "' is an overridable initializer";
        }
        return "no calibrated range for '" + tensor + "'";
    }
}
