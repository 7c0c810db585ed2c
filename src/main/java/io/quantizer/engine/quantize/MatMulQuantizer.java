package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * MatMul: both operands quantized (a constant 2-D right operand as an int8 weight per output column). The output
 * is quantized only if some consumer reads it quantized (otherwise ONNX Runtime fuses a float-output kernel), or
 * if an Add reads it: ONNX Runtime's basic MatMul+Add fusion would otherwise turn the pair into a float Gemm
 * before its int8 fusions run.
 */
final class MatMulQuantizer implements OpQuantizer {

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        String a = node.getInput(0);
        String b = node.getInput(1);
        if (!ctx.readable(a)) {
            return Verdict.kept(ctx.whyNotReadable(a));
        }
        TensorProto weight = ctx.floatConstant(b);
        if (weight == null && !ctx.activationReady(b)) {
            return Verdict.kept(ctx.whyNotReadable(b));
        }
        ctx.readQuantized(a);
        if (weight != null) {
            ctx.weight(b, weight.getDimsCount() == 2 ? 1 : null);
        } else {
            ctx.readQuantized(b);
        }
        String y = node.getOutput(0);
        if (ctx.outputReady(y)) {
            boolean readByAdd = ctx.index().consumers(y).stream()
                    .anyMatch(c -> ctx.index().node(c).getOpType().equals("Add"));
            ctx.plan().output(y, null, !readByAdd);
        }
        return Verdict.quantized(weight != null ? "int8 weight" : "both operands quantized");
    }
}
