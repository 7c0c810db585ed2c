package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Add and Mul of two activations (residual sums, gating): QLinearAdd / QLinearMul. With a constant operand the
 * node is a bias, a normalisation's affine part, a GELU or hardswish piece: ONNX Runtime fuses those better in
 * float, and quantizing them would break its LayerNorm/GELU fusions, so they stay float. So does an Add or Mul
 * outside any quantized region (neither operand already quantized): it would only add error.
 */
final class BinaryQuantizer implements OpQuantizer {

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        for (String input : node.getInputList()) {
            if (ctx.index().constant(input) != null) {
                return Verdict.kept("constant operand '" + input + "': left to ONNX Runtime's float fusions");
            }
            if (!ctx.activationReady(input)) {
                return Verdict.kept(ctx.whyNotReadable(input));
            }
        }
        if (!ctx.anyAlreadyQuantized(node.getInputList())) {
            return Verdict.kept(QuantizationContext.OUTSIDE_QUANTIZED_REGION);
        }
        String y = node.getOutput(0);
        if (!ctx.outputReady(y)) {
            return Verdict.kept("no calibrated range for output '" + y + "'");
        }
        node.getInputList().forEach(ctx::readQuantized);
        ctx.plan().output(y, null, false);
        return Verdict.quantized("both operands quantized");
    }
}
