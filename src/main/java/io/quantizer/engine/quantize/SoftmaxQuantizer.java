package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Softmax: quantized input, and an output in [0, 1] with the fixed parameters ONNX Runtime's QLinearSoftmax
 * expects (scale 1/256; zero point 0 for uint8, -128 for int8). A Softmax producing a graph output stays float:
 * probabilities are what the user reads, 8 bits would flatten them.
 */
final class SoftmaxQuantizer implements OpQuantizer {

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        String x = node.getInput(0);
        String y = node.getOutput(0);
        if (ctx.index().isGraphOutput(y)) {
            return Verdict.kept("produces the graph output '" + y + "'");
        }
        if (!ctx.activationReady(x)) {
            return Verdict.kept(ctx.whyNotReadable(x));
        }
        if (!ctx.index().isFloat(y)) {
            return Verdict.kept("output is not float");
        }
        QuantParams.ElementType type = ctx.activationType();
        int zero = type == QuantParams.ElementType.INT8 ? -128 : 0;
        // [0, 1] over the type's whole grid: 1/256 for 8 bits, 1/65536 for 16
        float scale = 1f / (type.max - type.min + 1);
        ctx.readQuantized(x);
        ctx.plan().output(y, new QuantParams(new float[] {scale}, new int[] {zero}, type, null), false);
        return Verdict.quantized("output with fixed scale 1/" + (type.max - type.min + 1));
    }
}
