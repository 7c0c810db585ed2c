package io.quantizer.engine.quantize;

import java.util.Set;

import ai.onnx.proto.OnnxMl.TensorProto;
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

    QuantizationContext(GraphIndex index, QuantizationPlan plan, Set<String> unavailable, boolean perChannel,
            QuantParams.ElementType activationType) {
        this.index = index;
        this.plan = plan;
        this.unavailable = unavailable;
        this.perChannel = perChannel;
        this.activationType = activationType;
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

    /** A float initializer that nobody can override at run time. */
    TensorProto floatConstant(String tensor) {
        TensorProto constant = index.constant(tensor);
        return constant != null && constant.getDataType() == TensorProto.DataType.FLOAT_VALUE ? constant : null;
    }

    /** A float activation that can be quantized: it has a calibrated range or already reuses other parameters. */
    boolean activationReady(String tensor) {
        if (tensor.isEmpty() || !index.isFloat(tensor) || index.constant(tensor) != null) {
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
        return !tensor.isEmpty() && index.isFloat(tensor) && !unavailable.contains(tensor);
    }

    void readQuantized(String tensor) {
        if (floatConstant(tensor) != null) {
            plan.constantActivation(tensor);
        } else {
            plan.readQuantized(tensor);
        }
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
        if (!index.isFloat(tensor)) {
            return "input '" + tensor + "' is not a float tensor";
        }
        if (index.isGraphInput(tensor) && index.initializer(tensor) != null) {
            return "input '" + tensor + "' is an overridable initializer";
        }
        return "no calibrated range for '" + tensor + "'";
    }
}
