package io.quantizer.engine.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Fuses exporters' decomposed hardswish and hardsigmoid into single nodes: {@code x * clip(x + 3, 0, 6) / 6}
 * (the product before or after the division, the division also written {@code * (1/6)}) becomes HardSwish (opset
 * 14+; below that {@code x * HardSigmoid(x)}), {@code clip(x + 3, 0, 6) / 6} alone becomes HardSigmoid, and
 * {@code x * HardSigmoid(x)} with alpha 1/6 and beta 0.5 becomes HardSwish. ONNX Runtime has no int8 kernel for
 * these, so the decomposed form would leave four float nodes each behind its own DequantizeLinear/QuantizeLinear;
 * fused, one float node pays one conversion. Only these constants match (3, 0, 6, 1/6, alpha 1/6, beta 0.5),
 * equal up to {@link #ROUNDING} relative: exporters write 1/6 as 0.1666667 or 0.16666667, a few float steps from
 * {@code 1f / 6f}, which moves an output by less than a millionth of its value (int8 steps are a 256th of a range);
 * and only chains whose intermediate tensors nobody else reads, so the graph computes the same function.
 */
public final class HardActivationFusion {

    private static final long HARD_SWISH_OPSET = 14;
    private static final float SIXTH = 1f / 6f;
    /** How far a constant may be from the one it stands for: the decimal rounding of exporters' printed 1/6. */
    static final double ROUNDING = 1e-6;

    private final GraphIndex index;
    private final boolean hardSwish;
    private final UniqueNames names;
    /** Node index of the last node of a matched chain → the nodes replacing the chain there. */
    private final Map<Integer, List<NodeProto>> replacements = new HashMap<>();
    private final Set<Integer> removed = new HashSet<>();
    private int swishes;
    private int sigmoids;

    private HardActivationFusion(GraphProto graph, long opset) {
        this.index = new GraphIndex(graph);
        this.hardSwish = opset >= HARD_SWISH_OPSET;
        this.names = new UniqueNames(graph);
    }

    /** The model with its decomposed hard activations fused; a note says how many, when any. */
    public static ModelProto apply(ModelProto model, List<String> notes) {
        HardActivationFusion fusion = new HardActivationFusion(model.getGraph(), Opsets.defaultDomainVersion(model));
        for (int i = 0; i < fusion.index.nodes().size(); i++) {
            fusion.match(i);
        }
        if (fusion.removed.isEmpty()) {
            return model;
        }
        notes.add("fused " + fusion.swishes + " decomposed hardswish and " + fusion.sigmoids
                + " hardsigmoid chain(s) into single nodes (ONNX Runtime has no int8 kernel for their pieces)");
        return model.toBuilder().setGraph(fusion.rebuild()).build();
    }

    private void match(int i) {
        NodeProto node = index.node(i);
        if (!Opsets.isDefaultDomain(node.getDomain()) || removed.contains(i)) {
            return;
        }
        if (node.getOpType().equals("Add")) {
            matchFromAdd(i, node);
        } else if (node.getOpType().equals("HardSigmoid") && hardSwish
                && matches(Attributes.getFloat(node, "alpha", 0.2f), SIXTH)
                && matches(Attributes.getFloat(node, "beta", 0.5f), 0.5f)) {
            String x = node.getInput(0);
            int mul = onlyConsumer(node.getOutput(0));
            if (mul >= 0 && isProductWith(index.node(mul), node.getOutput(0), x)) {
                fuse(List.of(i, mul), x, index.node(mul).getOutput(0), true);
            }
        }
    }

    private void matchFromAdd(int add, NodeProto node) {
        String x = otherOperand(node, 3f);
        if (x == null || !index.isFloat(x)) {
            return;
        }
        int clip = onlyConsumer(node.getOutput(0));
        if (clip < 0 || !isClip06(index.node(clip))) {
            return;
        }
        String clipped = index.node(clip).getOutput(0);
        int next = onlyConsumer(clipped);
        if (next < 0) {
            return;
        }
        NodeProto nextNode = index.node(next);
        if (isProductWith(nextNode, clipped, x)) {
            // x * clip(x + 3, 0, 6), then / 6
            int scale = onlyConsumer(nextNode.getOutput(0));
            if (scale >= 0 && isSixth(index.node(scale), nextNode.getOutput(0))) {
                fuse(List.of(add, clip, next, scale), x, index.node(scale).getOutput(0), true);
            }
            return;
        }
        if (!isSixth(nextNode, clipped)) {
            return;
        }
        String sigmoid = nextNode.getOutput(0);
        int mul = onlyConsumer(sigmoid);
        if (mul >= 0 && isProductWith(index.node(mul), sigmoid, x)) {
            fuse(List.of(add, clip, next, mul), x, index.node(mul).getOutput(0), true);
        } else {
            fuse(List.of(add, clip, next), x, sigmoid, false);
        }
    }

    private void fuse(List<Integer> chain, String x, String y, boolean swish) {
        int last = chain.get(chain.size() - 1);
        String name = index.node(last).getName().isEmpty() ? names.fresh("hard_activation") : index.node(last).getName();
        List<NodeProto> nodes = new ArrayList<>();
        if (swish && hardSwish) {
            nodes.add(NodeProto.newBuilder().setName(name).setOpType("HardSwish").addInput(x).addOutput(y).build());
        } else if (swish) {
            String sigmoid = names.fresh(y + "_hardsigmoid");
            nodes.add(hardSigmoid(names.fresh(name + "_hardsigmoid"), x, sigmoid));
            nodes.add(NodeProto.newBuilder().setName(name).setOpType("Mul").addInput(x).addInput(sigmoid).addOutput(y)
                    .build());
        } else {
            nodes.add(hardSigmoid(name, x, y));
        }
        removed.addAll(chain);
        replacements.put(last, nodes);
        if (swish) {
            swishes++;
        } else {
            sigmoids++;
        }
    }

    private static NodeProto hardSigmoid(String name, String x, String y) {
        return NodeProto.newBuilder().setName(name).setOpType("HardSigmoid").addInput(x).addOutput(y)
                .addAttribute(Attributes.ofFloat("alpha", SIXTH)).addAttribute(Attributes.ofFloat("beta", 0.5f)).build();
    }

    private GraphProto rebuild() {
        GraphProto.Builder graph = index.graph().toBuilder().clearNode();
        for (int i = 0; i < index.nodes().size(); i++) {
            List<NodeProto> replacement = replacements.get(i);
            if (replacement != null) {
                graph.addAllNode(replacement);
            } else if (!removed.contains(i)) {
                graph.addNode(index.node(i));
            }
        }
        return graph.build();
    }

    /** The single node reading {@code tensor}, or -1 when others read it too (or the graph or a subgraph does). */
    private int onlyConsumer(String tensor) {
        List<Integer> consumers = index.consumers(tensor);
        if (consumers.size() != 1 || index.isGraphOutput(tensor) || index.isReadBySubgraph(tensor)
                || removed.contains(consumers.get(0))) {
            return -1;
        }
        return Opsets.isDefaultDomain(index.node(consumers.get(0)).getDomain()) ? consumers.get(0) : -1;
    }

    /** For a two-input node with one scalar constant operand equal to {@code value}, the other operand. */
    private String otherOperand(NodeProto node, float value) {
        if (node.getInputCount() != 2) {
            return null;
        }
        for (int k = 0; k < 2; k++) {
            if (isScalar(node.getInput(k), value) && index.constant(node.getInput(1 - k)) == null) {
                return node.getInput(1 - k);
            }
        }
        return null;
    }

    private static boolean isProductWith(NodeProto node, String a, String b) {
        return node.getOpType().equals("Mul") && node.getInputCount() == 2 && !a.equals(b)
                && ((node.getInput(0).equals(a) && node.getInput(1).equals(b))
                        || (node.getInput(0).equals(b) && node.getInput(1).equals(a)));
    }

    /** {@code input / 6} or {@code input * (1/6)}. */
    private boolean isSixth(NodeProto node, String input) {
        if (node.getInputCount() != 2) {
            return false;
        }
        if (node.getOpType().equals("Div")) {
            return node.getInput(0).equals(input) && isScalar(node.getInput(1), 6f);
        }
        return node.getOpType().equals("Mul") && input.equals(otherOperand(node, SIXTH));
    }

    private boolean isClip06(NodeProto node) {
        if (!node.getOpType().equals("Clip")) {
            return false;
        }
        if (node.getInputCount() == 1) {
            return Attributes.getFloat(node, "min", Float.NaN) == 0f
                    && matches(Attributes.getFloat(node, "max", Float.NaN), 6f);
        }
        return node.getInputCount() == 3 && isScalar(node.getInput(1), 0f) && isScalar(node.getInput(2), 6f);
    }

    private boolean isScalar(String tensor, float value) {
        TensorProto constant = tensor.isEmpty() ? null : index.constant(tensor);
        if (constant == null || constant.getDataType() != TensorProto.DataType.FLOAT_VALUE
                || TensorData.elementCount(constant) != 1) {
            return false;
        }
        return matches(TensorData.floats(constant)[0], value);
    }

    private static boolean matches(float actual, float wanted) {
        return Math.abs(actual - wanted) <= ROUNDING * Math.abs(wanted);
    }
}
