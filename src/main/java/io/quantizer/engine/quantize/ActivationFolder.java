package io.quantizer.engine.quantize;

import java.util.List;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * Relu and Clip. When the producer of the input quantizes its output with parameters of its own, and nothing else
 * reads that output, the activation is removed and the producer's QuantizeLinear takes the activation's range:
 * saturating to a range inside [lo, hi] that contains 0 is the clamp. Folding is refused otherwise: deleting the
 * Clip of a hardswish whose Add is not quantized would silently drop the clamp. Unfolded, the node is quantized
 * like any unary operator.
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
        boolean foldable = producer >= 0 && marked != null && marked.sharesWith() == null && marked.fixed() == null
                && graph.consumers(x).size() == 1 && !graph.isGraphOutput(x) && !graph.isReadBySubgraph(x)
                && clampContainsZero(node, ctx) && ctx.outputReady(y);
        if (!foldable) {
            Verdict verdict = unfolded.mark(node, index, ctx);
            return verdict.quantized() ? Verdict.quantized("kept as a node (the producer's output is not quantized"
                    + " on its own); input and output quantized") : verdict;
        }
        ctx.plan().fold(new QuantizationPlan.Fold(index, x, y));
        return Verdict.quantized("folded into '" + graph.node(producer).getName() + "' (its quantized output clamps)");
    }

    /** Relu clamps at 0; a Clip folds only with constant bounds lo <= 0 <= hi (the quantized range holds 0). */
    private static boolean clampContainsZero(NodeProto node, QuantizationContext ctx) {
        if (node.getOpType().equals("Relu")) {
            return true;
        }
        float lo = Attributes.getFloat(node, "min", Float.NEGATIVE_INFINITY);
        float hi = Attributes.getFloat(node, "max", Float.POSITIVE_INFINITY);
        List<String> inputs = node.getInputList();
        if (inputs.size() > 1 && !inputs.get(1).isEmpty()) {
            Float value = scalar(ctx, inputs.get(1));
            if (value == null) {
                return false;
            }
            lo = value;
        }
        if (inputs.size() > 2 && !inputs.get(2).isEmpty()) {
            Float value = scalar(ctx, inputs.get(2));
            if (value == null) {
                return false;
            }
            hi = value;
        }
        return lo <= 0f && hi >= 0f;
    }

    private static Float scalar(QuantizationContext ctx, String name) {
        TensorProto constant = ctx.floatConstant(name);
        return constant != null && TensorData.elementCount(constant) == 1 ? TensorData.floats(constant)[0] : null;
    }
}
