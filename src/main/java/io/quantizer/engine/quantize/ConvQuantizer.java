package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.engine.onnx.Attributes;

/**
 * Conv and ConvTranspose: quantized input, int8 weight per output channel (axis 0 for Conv, axis 1 for a
 * ConvTranspose with one group), int32 bias, quantized output (ONNX Runtime fuses QLinearConv only with a
 * QuantizeLinear on the output).
 */
final class ConvQuantizer implements OpQuantizer {

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        String x = node.getInput(0);
        String w = node.getInput(1);
        String b = node.getInputCount() > 2 ? node.getInput(2) : "";
        String y = node.getOutput(0);
        if (!ctx.activationReady(x)) {
            return Verdict.kept(ctx.whyNotReadable(x));
        }
        if (ctx.floatConstant(w) == null) {
            return Verdict.kept("weight: " + ctx.whyNotConstant(w));
        }
        if (!b.isEmpty() && ctx.floatConstant(b) == null) {
            return Verdict.kept("bias: " + ctx.whyNotConstant(b));
        }
        if (!ctx.outputReady(y)) {
            return Verdict.kept("no calibrated range for output '" + y + "'");
        }
        Integer axis = 0;
        if (node.getOpType().equals("ConvTranspose")) {
            axis = Attributes.getInt(node, "group", 1) == 1 ? 1 : null;
        }
        ctx.readQuantized(x);
        ctx.weight(w, axis);
        if (!b.isEmpty()) {
            ctx.plan().bias(new QuantizationPlan.Bias(index, 2, b, x, w));
        }
        ctx.plan().output(y, null, false);
        String weights = ctx.plan().constant(w).axis() != null ? "int8 per-channel weights" : "int8 per-tensor weights";
        return Verdict.quantized(node.getOpType().equals("ConvTranspose")
                ? weights + " (ONNX Runtime's CPU provider still runs ConvTranspose in float)" : weights);
    }
}
