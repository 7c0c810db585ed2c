package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.List;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Operators whose quantized inputs (all float inputs, or the listed ones) and output each get parameters of their
 * own: pools that average, LeakyRelu, Sigmoid, Concat, Where, the normalisations. Constant inputs are quantized
 * like activations so every input shares the activation type. Only inside a quantized region (some input already
 * quantized by its producer): elsewhere the extra QuantizeLinear/DequantizeLinear would only add error and time.
 */
final class OwnOutputQuantizer implements OpQuantizer {

    private final int[] inputs;

    /** @param inputs indices of the inputs to quantize; none given means every input */
    OwnOutputQuantizer(int... inputs) {
        this.inputs = inputs;
    }

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        List<String> quantized = new ArrayList<>();
        if (inputs.length == 0) {
            quantized.addAll(node.getInputList());
        } else {
            for (int i : inputs) {
                if (i < node.getInputCount()) {
                    quantized.add(node.getInput(i));
                }
            }
        }
        for (String input : quantized) {
            if (input.isEmpty() || !ctx.readable(input)) {
                return Verdict.kept(input.isEmpty() ? "missing input" : ctx.whyNotReadable(input));
            }
        }
        if (!ctx.anyAlreadyQuantized(quantized)) {
            return Verdict.kept(QuantizationContext.OUTSIDE_QUANTIZED_REGION);
        }
        String y = node.getOutput(0);
        if (!ctx.outputReady(y)) {
            return Verdict.kept("no calibrated range for output '" + y + "'");
        }
        quantized.forEach(ctx::readQuantized);
        ctx.plan().output(y, null, false);
        return Verdict.quantized("inputs and output quantized");
    }
}
