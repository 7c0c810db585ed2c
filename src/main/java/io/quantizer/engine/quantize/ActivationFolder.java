package io.quantizer.engine.quantize;

import java.util.List;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * Relu and Clip. When the producer of the input quantizes its output with parameters of its own, and nothing else
 * reads that output, the activation is removed and the producer's QuantizeLinear takes the activation's range:
 * saturating to a range inside [lo, hi] that contains 0 is the clamp. Folding is refused otherwise: deleting the
 * Clip of a hardswish whose Add is not quantized would silently drop the clamp. It is also refused when the
 * quantized range would not saturate at the clamp's bounds: a symmetric range is centred on 0, so a Relu folded
 * into it would let every negative value through. Unfolded, the node is quantized like any unary operator.
 */
final class ActivationFolder implements OpQuantizer {

    private final OpQuantizer unfolded = new OwnOutputQuantizer(0);

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        String x = node.getInput(0);
        String y = node.getOutput(0);
        GraphIndex graph = ctx.index();
        int producer = graph.producer(x);
        QuantizationPlan.Activation marked = ctx.plan().activation(x);
        float[] bounds = bounds(node, ctx);
        boolean foldable = producer >= 0 && marked != null && marked.sharesWith() == null && marked.fixed() == null
                && graph.consumers(x).size() == 1 && !graph.isGraphOutput(x) && !graph.isReadBySubgraph(x)
                && bounds != null && bounds[0] <= 0f && bounds[1] >= 0f && ctx.outputReady(y);
        String noClamp = foldable ? whyNoClamp(node, bounds, ctx.range(y), ctx) : null;
        if (!foldable || noClamp != null) {
            Verdict verdict = unfolded.mark(node, index, ctx);
            String why = noClamp != null ? noClamp : "the producer's output is not quantized on its own";
            return verdict.quantized() ? Verdict.quantized("kept as a node (" + why + "); input and output quantized")
                    : Verdict.kept(verdict.reason() + (noClamp != null ? " (not folded: " + noClamp + ")" : ""));
        }
        ctx.plan().fold(new QuantizationPlan.Fold(index, x, y));
        return Verdict.quantized("folded into '" + graph.node(producer).getName() + "' (its quantized output clamps)");
    }

    /**
     * Null when the producer's quantized output, given the activation's range, saturates at the clamp's bounds
     * (within half a step); else why not. Before calibration it is predicted: an asymmetric range always starts at
     * min(range, 0), which is the clamp for lo <= 0; a symmetric one is centred on 0 and clamps only a symmetric
     * Clip.
     */
    private static String whyNoClamp(NodeProto node, float[] bounds, TensorRange range, QuantizationContext ctx) {
        if (range == null) {
            boolean symmetricClip = node.getOpType().equals("Clip") && Float.isFinite(bounds[0])
                    && bounds[0] == -bounds[1];
            return !ctx.symmetric() || symmetricClip ? null : symmetricReason(node);
        }
        QuantParams p = QuantParams.activation(range, ctx.activationType(), ctx.symmetric());
        float step = p.scales()[0];
        float lowest = p.dequantize((int) p.type().min, 0);
        float highest = p.dequantize((int) p.type().max, 0);
        if (lowest >= bounds[0] - step / 2 && highest <= bounds[1] + step / 2) {
            return null;
        }
        if (ctx.symmetric()) {
            return symmetricReason(node);
        }
        return String.format(java.util.Locale.ROOT, "the quantized range [%.4g, %.4g] would not clamp to [%.4g, %.4g]",
                lowest, highest, bounds[0], bounds[1]);
    }

    private static String symmetricReason(NodeProto node) {
        return "symmetric activations centre the range on 0, so the producer's quantized output cannot clamp like "
                + node.getOpType() + " and folding would let negative values through";
    }

    /** {lo, hi} of a Relu (0, +inf) or a Clip with constant bounds; null for a Clip with bounds computed at run time. */
    private static float[] bounds(NodeProto node, QuantizationContext ctx) {
        if (node.getOpType().equals("Relu")) {
            return new float[] {0f, Float.POSITIVE_INFINITY};
        }
        float lo = Attributes.getFloat(node, "min", Float.NEGATIVE_INFINITY);
        float hi = Attributes.getFloat(node, "max", Float.POSITIVE_INFINITY);
        List<String> inputs = node.getInputList();
        if (inputs.size() > 1 && !inputs.get(1).isEmpty()) {
            Float value = scalar(ctx, inputs.get(1));
            if (value == null) {
                return null;
            }
            lo = value;
        }
        if (inputs.size() > 2 && !inputs.get(2).isEmpty()) {
            Float value = scalar(ctx, inputs.get(2));
            if (value == null) {
                return null;
            }
            hi = value;
        }
        return new float[] {lo, hi};
    }

    private static Float scalar(QuantizationContext ctx, String name) {
        TensorProto constant = ctx.index().constant(name);
        return constant != null && constant.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && TensorData.elementCount(constant) == 1 ? TensorData.floats(constant)[0] : null;
    }
}
