package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Operators ONNX Runtime has no int8 kernel for but that sit between int8 ones in real models: HardSwish,
 * HardSigmoid (after {@link io.quantizer.engine.onnx.HardActivationFusion}) and Div by a constant. They compute
 * in float between one DequantizeLinear and one QuantizeLinear with parameters of their own, so what reads them
 * (a Global pool, a gating Mul, the next Conv) stays int8 instead of starting a float region. Only inside a
 * quantized region whose producer really writes 8 bits (not after a MatMul that can output floats); a Div by
 * an activation is left alone.
 */
final class FloatIslandQuantizer implements OpQuantizer {

    private final OpQuantizer firstInput = new OwnOutputQuantizer(0);

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        if (node.getOpType().equals("Div")
                && (node.getInputCount() != 2 || ctx.floatConstant(node.getInput(1)) == null)) {
            return Verdict.kept("no int8 implementation for Div by an activation");
        }
        QuantizationPlan.Activation input = ctx.plan().activation(node.getInput(0));
        if (input != null && input.optional()) {
            // a MatMul that may produce floats (attention scores before a Div): requantizing it would cost more
            return Verdict.kept("input '" + node.getInput(0) + "' is produced in float by a fused int8 kernel");
        }
        Verdict verdict = firstInput.mark(node, index, ctx);
        return verdict.quantized() ? Verdict.quantized("computed in float between DequantizeLinear and QuantizeLinear"
                + " (ONNX Runtime has no int8 kernel); its output is quantized for its int8 consumers") : verdict;
    }
}
