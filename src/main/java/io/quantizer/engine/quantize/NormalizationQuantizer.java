package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.TensorData;

/**
 * BatchNormalization (one not folded into a Conv), InstanceNormalization and LayerNormalization: quantized input
 * and output, the scale (input 1) stored as int8 with one scale per element, which is exact up to float rounding,
 * and the bias (input 2) as int32 at {@code s_input * s_scale}. ONNX Runtime's CPU provider computes them in float
 * between DequantizeLinear and QuantizeLinear, so this is what its own QDQ quantizer emits, with no error added.
 * A scale that is not a 1-D float constant, or per-channel weights being unavailable, leaves scale and bias float;
 * a BatchNormalization's mean and variance always stay float. Only inside a quantized region.
 */
final class NormalizationQuantizer implements OpQuantizer {

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        String x = node.getInput(0);
        if (!ctx.activationReady(x)) {
            return Verdict.kept(ctx.whyNotReadable(x));
        }
        if (!ctx.anyAlreadyQuantized(java.util.List.of(x))) {
            return Verdict.kept(QuantizationContext.OUTSIDE_QUANTIZED_REGION);
        }
        String y = node.getOutput(0);
        if (!ctx.outputReady(y)) {
            return Verdict.kept("no calibrated range for output '" + y + "'");
        }
        ctx.readQuantized(x);
        ctx.plan().output(y, null, false);
        String scale = node.getInputCount() > 1 ? node.getInput(1) : "";
        String bias = node.getInputCount() > 2 ? node.getInput(2) : "";
        Integer axis = ctx.weightAxis(0);
        if (axis == null || !oneDimensional(ctx, scale) || ctx.plan().isConstant(scale)) {
            return Verdict.quantized("input and output quantized; scale and bias kept float");
        }
        ctx.weight(scale, axis);
        if (oneDimensional(ctx, bias) && ctx.index().consumers(bias).size() == 1
                && TensorData.elementCount(ctx.floatConstant(bias)) == TensorData.elementCount(ctx.floatConstant(scale))) {
            ctx.plan().bias(new QuantizationPlan.Bias(index, 2, bias, x, scale));
            return Verdict.quantized("input and output quantized; int8 scale, int32 bias");
        }
        return Verdict.quantized("input and output quantized; int8 scale");
    }

    private static boolean oneDimensional(QuantizationContext ctx, String tensor) {
        TensorProto constant = tensor.isEmpty() ? null : ctx.floatConstant(tensor);
        return constant != null && constant.getDimsCount() == 1;
    }
}
