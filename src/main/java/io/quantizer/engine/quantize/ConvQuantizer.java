package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.TensorData;

/**
 * Conv and ConvTranspose: quantized input, int8 weight per output channel (axis 0 for Conv, axis 1 for a
 * ConvTranspose with one group), int32 bias, quantized output (ONNX Runtime fuses QLinearConv only with a
 * QuantizeLinear on the output).
 */
final class ConvQuantizer implements OpQuantizer {

    /** Above this ratio of channel extremes a per-tensor depthwise weight leaves some channel under 16 levels. */
    private static final double MAX_DEPTHWISE_SPREAD = 16;

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
        String weights = ctx.plan().constant(w).axis() != null ? "int8 per-channel weights"
                : "int8 per-tensor weights" + depthwiseSpread(node, ctx.floatConstant(w));
        return Verdict.quantized(node.getOpType().equals("ConvTranspose")
                ? weights + " (ONNX Runtime's CPU provider still runs ConvTranspose in float)" : weights);
    }

    /**
     * For a depthwise Conv with per-tensor weights, a warning when its channels' largest weights differ widely:
     * one scale for all gives the small channels only a few of the 255 levels (the classic MobileNet wreck).
     */
    private static String depthwiseSpread(NodeProto node, TensorProto weight) {
        long group = Attributes.getInt(node, "group", 1);
        if (!node.getOpType().equals("Conv") || group <= 1 || weight.getDimsCount() < 2 || weight.getDims(0) != group
                || weight.getDims(1) != 1) {
            return "";
        }
        float[][] extremes = QuantParams.channelExtremes(TensorData.floatView(weight), TensorData.dims(weight), 0);
        double largest = 0;
        double smallest = Double.POSITIVE_INFINITY;
        for (float[] e : extremes) {
            double absMax = Math.max(Math.abs(e[0]), Math.abs(e[1]));
            largest = Math.max(largest, absMax);
            if (absMax > 0) {
                smallest = Math.min(smallest, absMax);
            }
        }
        double spread = largest / smallest;
        return spread > MAX_DEPTHWISE_SPREAD ? String.format(java.util.Locale.ROOT, " (depthwise: its channels'"
                + " largest weights differ up to %.0f×, so the smallest get about %.0f levels; perChannel true avoids"
                + " it)", spread, 255 / spread) : "";
    }
}
