package io.quantizer.engine.quantize;

import java.util.List;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * ArgMax and ArgMin: an index is the same whether it is taken over the integers or over their dequantized values
 * (dequantization is monotonic), so when the input is already quantized by its producer the node reads it
 * quantized and ONNX Runtime drops the DequantizeLinear in front of it; nothing on the output (int64).
 */
final class ArgMaxQuantizer implements OpQuantizer {

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        String x = node.getInput(0);
        if (!ctx.activationReady(x)) {
            return Verdict.kept(ctx.whyNotReadable(x));
        }
        if (!ctx.anyAlreadyQuantized(List.of(x))) {
            return Verdict.kept(QuantizationContext.OUTSIDE_QUANTIZED_REGION);
        }
        ctx.readQuantized(x);
        return Verdict.quantized("reads the quantized input; the index is unchanged");
    }
}
