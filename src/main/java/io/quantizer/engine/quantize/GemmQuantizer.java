package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.TensorData;

/**
 * Gemm: quantized A, int8 B per output column (axis 0 when transB, else 1), int32 C when it is a plain
 * per-column bias ([N] or [1, N]; stored as [N], which broadcasts the same); any other C was split into a
 * following Add by preprocessing ({@link io.quantizer.engine.onnx.GemmBiasSplit}). The output is optional like MatMul's: QGemm can produce floats.
 */
final class GemmQuantizer implements OpQuantizer {

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        String a = node.getInput(0);
        String b = node.getInput(1);
        String c = node.getInputCount() > 2 ? node.getInput(2) : "";
        if (!ctx.activationReady(a)) {
            return Verdict.kept(ctx.whyNotReadable(a));
        }
        TensorProto weight = ctx.floatConstant(b);
        if (weight == null) {
            return Verdict.kept("B: " + ctx.whyNotConstant(b));
        }
        if (weight.getDimsCount() != 2) {
            return Verdict.kept("B '" + b + "' is not 2-D");
        }
        boolean transB = Attributes.getInt(node, "transB", 0) != 0;
        int axis = transB ? 0 : 1;
        TensorProto bias = c.isEmpty() ? null : ctx.floatConstant(c);
        boolean plainBias = bias != null && Attributes.getFloat(node, "alpha", 1f) == 1f
                && Attributes.getFloat(node, "beta", 1f) == 1f && bias.getDimsCount() <= 2
                && TensorData.elementCount(bias) == weight.getDims(axis)
                && (bias.getDimsCount() < 2 || bias.getDims(0) == 1);
        if (!c.isEmpty() && ctx.sentinel(c) != null) {
            return Verdict.kept("C: " + ctx.whyNotConstant(c));
        }
        if (!c.isEmpty() && !plainBias) {
            return Verdict.kept("C '" + c + "' is not a per-column constant bias with alpha = beta = 1 (preprocessing"
                    + " splits such a C into an Add when B is a constant)");
        }
        ctx.readQuantized(a);
        ctx.weight(b, axis);
        if (plainBias) {
            ctx.plan().bias(new QuantizationPlan.Bias(index, 2, c, a, b));
        }
        String y = node.getOutput(0);
        if (ctx.outputReady(y)) {
            ctx.plan().output(y, null, true);
        }
        return Verdict.quantized("int8 weight");
    }
}
