package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.Opsets;

/**
 * Add and Mul: QLinearAdd / QLinearMul. Two activations (residual sums, gating) or an activation and a float
 * constant (a bias, a per-channel scale, the +3 of a hardswish), the constant quantized per tensor with its own
 * exact range, as QLinearAdd/QLinearMul need. Without this every such node would be a float island paying a
 * DequantizeLinear and a QuantizeLinear. A constant-operand node stays float where ONNX Runtime fuses it in float
 * (its output reaches an Erf/Tanh/Pow/ReduceMean/Sqrt/LayerNormalization within two nodes: GELU, LayerNorm,
 * BiasGelu/SkipLayerNorm inputs) or is a graph output (a final bias: 8 bits would only round what the user reads);
 * an attention mask before a Softmax is {@link MaskSentinels}' decision, made before this runs. So does
 * an Add or Mul outside any quantized region (no activation operand already quantized): it would only add error.
 */
final class BinaryQuantizer implements OpQuantizer {

    /** Operators ONNX Runtime fuses with neighbouring float Add/Mul (GELU, LayerNorm). */
    private static final Set<String> FLOAT_FUSED = Set.of("Erf", "Tanh", "Pow", "ReduceMean", "Sqrt",
            "LayerNormalization");
    private static final int FUSION_REACH = 2;

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        List<String> activations = new ArrayList<>();
        String constant = null;
        for (String input : node.getInputList()) {
            if (ctx.index().constant(input) != null) {
                if (ctx.floatConstant(input) == null) {
                    return Verdict.kept("constant operand '" + input + "' is not float");
                }
                constant = input;
            } else if (!ctx.activationReady(input)) {
                return Verdict.kept(ctx.whyNotReadable(input));
            } else {
                activations.add(input);
            }
        }
        if (activations.isEmpty()) {
            return Verdict.kept("both operands are constants");
        }
        if (!ctx.anyAlreadyQuantized(activations)) {
            return Verdict.kept(QuantizationContext.OUTSIDE_QUANTIZED_REGION);
        }
        String y = node.getOutput(0);
        if (constant != null && ctx.index().isGraphOutput(y)) {
            return Verdict.kept("constant operand '" + constant + "' and the output is the graph output '" + y
                    + "': an int8 kernel would only add a rounding to what the user reads");
        }
        if (constant != null) {
            String fused = floatFusionReached(ctx.index(), y, FUSION_REACH);
            if (fused != null) {
                return Verdict.kept("constant operand '" + constant + "' and the output reaches " + fused
                        + ": left to ONNX Runtime's float fusions");
            }
        }
        if (!ctx.outputReady(y)) {
            return Verdict.kept("no calibrated range for output '" + y + "'");
        }
        node.getInputList().forEach(ctx::readQuantized);
        ctx.plan().output(y, null, false);
        return Verdict.quantized(constant == null ? "both operands quantized"
                : "activation and constant '" + constant + "' (per tensor, its own range) quantized");
    }

    /** The first float-fused operator reading {@code tensor} within {@code hops} nodes, or null. */
    private static String floatFusionReached(GraphIndex index, String tensor, int hops) {
        for (int consumer : index.consumers(tensor)) {
            NodeProto node = index.node(consumer);
            if (FLOAT_FUSED.contains(node.getOpType()) || !Opsets.isDefaultDomain(node.getDomain())) {
                return node.getOpType();
            }
            if (hops > 1) {
                for (String output : node.getOutputList()) {
                    String found = output.isEmpty() ? null : floatFusionReached(index, output, hops - 1);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }
}
