package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;

/**
 * Where Q/DQ go for TensorRT's explicit quantization, following its Q/DQ placement recommendations:
 * <ul>
 *   <li>Quantize the inputs of weighted operators (Conv, ConvTranspose, Gemm, MatMul): the activation through
 *       QuantizeLinear/DequantizeLinear, the weight as int8 per output channel behind a DequantizeLinear. Nothing
 *       on their outputs: TensorRT fuses the bias, BatchNorm and a following ReLU into the convolution and
 *       quantizes the output where the next weighted operator's input Q/DQ says so.</li>
 *   <li>Residual Add: the input coming straight from a weighted operator is left alone, so TensorRT fuses the Add
 *       into that operator; the other (the skip branch) is quantized, which that fusion needs.</li>
 *   <li>Everything else gets no Q/DQ of its own: activations after a weighted operator are fused into it, and
 *       TensorRT moves Q/DQ across pooling and data movement itself.</li>
 * </ul>
 * Biases stay float. Activations are symmetric int8 ({@link TargetProfile}).
 */
final class TensorRtPlacement {

    static final Set<String> WEIGHTED = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");
    /** Pointwise activations TensorRT fuses into the weighted operator (or residual Add) before them. */
    static final Set<String> FUSED_ACTIVATIONS = Set.of("Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid",
            "HardSwish", "Elu", "Selu", "Softplus");

    private TensorRtPlacement() {
    }

    static void register(java.util.function.BiConsumer<OpQuantizer, String[]> registry) {
        registry.accept(new WeightedInputs(), WEIGHTED.toArray(String[]::new));
        registry.accept(new ResidualAdd(), new String[] {"Add"});
        registry.accept(new FusedActivation(), FUSED_ACTIVATIONS.toArray(String[]::new));
    }

    /** Every other operator: no Q/DQ of its own; TensorRT chooses its precision. */
    static final OpQuantizer UNTOUCHED = (node, index, ctx) -> OpQuantizer.Verdict.kept(
            "TensorRT chooses its precision (no Q/DQ of its own in TensorRT's placement)");

    /** Q/DQ on the activation inputs, int8 per-channel weight, nothing on the output, float bias. */
    static final class WeightedInputs implements OpQuantizer {
        @Override
        public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
            String x = node.getInput(0);
            String w = node.getInput(1);
            if (!ctx.activationReady(x)) {
                return Verdict.kept(ctx.whyNotReadable(x));
            }
            TensorProto weight = ctx.floatConstant(w);
            String op = node.getOpType();
            if (weight == null) {
                if (!op.equals("MatMul") || !ctx.activationReady(w)) {
                    return Verdict.kept((op.equals("MatMul") ? "" : "weight: ") + (op.equals("MatMul")
                            ? ctx.whyNotReadable(w) : ctx.whyNotConstant(w)));
                }
                ctx.readQuantized(x);
                ctx.readQuantized(w);
                return Verdict.quantized("both operands int8 symmetric; no Q/DQ on the output");
            }
            Integer axis = switch (op) {
                case "Conv" -> 0;
                case "ConvTranspose" -> Attributes.getInt(node, "group", 1) == 1 ? 1 : null;
                case "Gemm" -> weight.getDimsCount() != 2 ? null : Attributes.getInt(node, "transB", 0) != 0 ? 0 : 1;
                default -> weight.getDimsCount() == 2 ? 1 : null;
            };
            if (op.equals("Gemm") && weight.getDimsCount() != 2) {
                return Verdict.kept("B '" + w + "' is not 2-D");
            }
            ctx.readQuantized(x);
            ctx.weight(w, axis);
            return Verdict.quantized("int8 symmetric input and " + (ctx.plan().constant(w).axis() != null
                    ? "per-channel" : "per-tensor") + " weight; bias and output left to TensorRT's fusion");
        }
    }

    /**
     * Add: when one operand comes only from a weighted operator, the other operand is quantized so TensorRT fuses
     * the Add into that operator. Both from weighted operators: the later one fuses, the earlier is quantized.
     */
    static final class ResidualAdd implements OpQuantizer {
        @Override
        public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
            if (node.getInputCount() != 2) {
                return UNTOUCHED.mark(node, index, ctx);
            }
            GraphIndex graph = ctx.index();
            int fused = -1;
            for (int i = 0; i < 2; i++) {
                String input = node.getInput(i);
                int producer = graph.producer(input);
                if (producer >= 0 && WEIGHTED.contains(graph.node(producer).getOpType())
                        && graph.consumers(input).size() == 1 && !graph.isGraphOutput(input)
                        && (fused < 0 || producer > graph.producer(node.getInput(fused)))) {
                    fused = i;
                }
            }
            if (fused < 0) {
                return Verdict.kept("not a residual Add after a Conv/Gemm/MatMul: TensorRT chooses its precision");
            }
            String skip = node.getInput(1 - fused);
            if (!ctx.activationReady(skip)) {
                return Verdict.kept("residual input: " + ctx.whyNotReadable(skip));
            }
            ctx.readQuantized(skip);
            return Verdict.quantized("residual Add: skip input '" + skip + "' quantized so TensorRT fuses the Add into '"
                    + graph.node(graph.producer(node.getInput(fused))).getName() + "'");
        }
    }

    /** A pointwise activation right after a weighted operator or a fused residual Add: TensorRT fuses it. */
    static final class FusedActivation implements OpQuantizer {
        @Override
        public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
            GraphIndex graph = ctx.index();
            int producer = graph.producer(node.getInput(0));
            if (producer >= 0 && graph.consumers(node.getInput(0)).size() == 1
                    && (WEIGHTED.contains(graph.node(producer).getOpType())
                        || graph.node(producer).getOpType().equals("Add"))) {
                return Verdict.quantized("fused by TensorRT into '" + graph.node(producer).getName()
                        + "' (no Q/DQ between them)");
            }
            return UNTOUCHED.mark(node, index, ctx);
        }
    }

    /** The float activations of a graph: TensorRT's calibration cache gives each one a scale. */
    static List<String> floatActivations(GraphIndex index) {
        List<String> tensors = new ArrayList<>();
        index.graph().getInputList().forEach(v -> {
            if (index.isFloat(v.getName()) && index.constant(v.getName()) == null) {
                tensors.add(v.getName());
            }
        });
        for (NodeProto node : index.nodes()) {
            for (String output : node.getOutputList()) {
                if (!output.isEmpty() && index.isFloat(output) && index.constant(output) == null) {
                    tensors.add(output);
                }
            }
        }
        return tensors;
    }
}
