package io.quantizer.engine.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Raises a model's default-domain opset to 13, the first one whose DequantizeLinear takes an {@code axis} (needed
 * for per-channel weights). Between opsets 7 and 13 several operators moved attributes into inputs; those are
 * rewritten here, subgraphs included. Operators whose meaning changed in ways that cannot be rewritten locally
 * make the upgrade refuse with a reason, and the caller falls back to per-tensor weights.
 */
public final class OpsetUpgrader {

    public static final long TARGET = 13;
    private static final long MIN_IR_FOR_TARGET = 7;
    /** Operators whose semantics changed before 13 in ways this class does not rewrite. */
    private static final Set<String> UNSUPPORTED = Set.of("Scan", "Scatter", "MaxUnpool");

    private final UniqueNames names;
    private final long from;

    private OpsetUpgrader(ModelProto model) {
        this.names = new UniqueNames(model.getGraph());
        this.from = Opsets.defaultDomainVersion(model);
    }

    /** The upgraded model; {@link UpgradeRefused} when an operator cannot be carried over. */
    public static ModelProto upgrade(ModelProto model) {
        long version = Opsets.defaultDomainVersion(model);
        if (version >= TARGET) {
            return model;
        }
        OpsetUpgrader upgrader = new OpsetUpgrader(model);
        GraphProto graph = upgrader.graph(model.getGraph());
        ModelProto upgraded = Opsets.withDefaultDomainVersion(model.toBuilder().setGraph(graph).build(), TARGET);
        if (upgraded.getIrVersion() < MIN_IR_FOR_TARGET) {
            upgraded = upgraded.toBuilder().setIrVersion(MIN_IR_FOR_TARGET).build();
        }
        return upgraded;
    }

    /** Thrown when the model holds an operator that cannot be moved to opset 13 faithfully. */
    public static final class UpgradeRefused extends RuntimeException {
        public UpgradeRefused(String message) {
            super(message);
        }
    }

    private GraphProto graph(GraphProto graph) {
        GraphEdit edit = new GraphEdit(graph.toBuilder().clearNode(), names);
        for (NodeProto original : graph.getNodeList()) {
            NodeProto node = withUpgradedSubgraphs(original);
            if (!Opsets.isDefaultDomain(node.getDomain())) {
                edit.add(node);
                continue;
            }
            rewrite(node, edit);
        }
        return edit.build();
    }

    private NodeProto withUpgradedSubgraphs(NodeProto node) {
        return Attributes.mapSubgraphs(node, this::graph);
    }

    private void rewrite(NodeProto node, GraphEdit edit) {
        String op = node.getOpType();
        if (UNSUPPORTED.contains(op)) {
            throw new UpgradeRefused(op + " '" + node.getName() + "' changed meaning before opset 13");
        }
        switch (op) {
            case "Clip" -> clip(node, edit);
            case "Slice" -> attributesToInputs(node, edit, from < 10, List.of("starts", "ends", "axes"));
            case "Pad" -> pad(node, edit);
            case "Squeeze", "Unsqueeze", "ReduceSum" -> attributesToInputs(node, edit, true, List.of("axes"));
            case "Split" -> attributesToInputs(node, edit, true, List.of("split"));
            case "TopK" -> topK(node, edit);
            case "Upsample", "Resize" -> LegacyOps.resize(node, edit);
            case "Dropout" -> edit.add(Attributes.without(node, "ratio", "is_test", "consumed_inputs"));
            case "BatchNormalization" -> batchNorm(node, edit);
            case "Softmax", "LogSoftmax", "Hardmax" -> LegacyOps.softmax(node, edit);
            case "ImageScaler", "Affine", "Crop" -> LegacyOps.rewrite(node, edit);
            default -> edit.add(node);
        }
    }

    private void clip(NodeProto node, GraphEdit edit) {
        if (from >= 11) {
            edit.add(node);
            return;
        }
        NodeProto.Builder clip = Attributes.without(node, "min", "max").toBuilder().clearInput().addInput(node.getInput(0));
        Optional<AttributeProto> min = Attributes.find(node, "min");
        Optional<AttributeProto> max = Attributes.find(node, "max");
        clip.addInput(min.map(a -> edit.scalar(node.getName() + "_min", a.getF())).orElse(""));
        max.ifPresent(a -> clip.addInput(edit.scalar(node.getName() + "_max", a.getF())));
        edit.add(clip.build());
    }

    /** Moves integer-list attributes, in order, to trailing int64 inputs; an absent attribute becomes "". */
    private void attributesToInputs(NodeProto node, GraphEdit edit, boolean applies, List<String> attributes) {
        if (!applies) {
            edit.add(node);
            return;
        }
        NodeProto.Builder rewritten = Attributes.without(node, attributes.toArray(String[]::new)).toBuilder();
        List<String> inputs = new ArrayList<>();
        for (String attribute : attributes) {
            inputs.add(Attributes.getInts(node, attribute)
                    .map(values -> edit.int64s(node.getName() + "_" + attribute, values)).orElse(""));
        }
        while (!inputs.isEmpty() && inputs.get(inputs.size() - 1).isEmpty()) {
            inputs.remove(inputs.size() - 1);
        }
        rewritten.addAllInput(inputs);
        edit.add(rewritten.build());
    }

    private void pad(NodeProto node, GraphEdit edit) {
        if (from >= 11) {
            edit.add(node);
            return;
        }
        List<Long> pads = Attributes.getInts(node, "pads").orElseThrow(
                () -> new UpgradeRefused("Pad '" + node.getName() + "' has no pads attribute"));
        float value = Attributes.getFloat(node, "value", 0f);
        NodeProto.Builder rewritten = Attributes.without(node, "pads", "value").toBuilder();
        rewritten.addInput(edit.int64s(node.getName() + "_pads", pads));
        rewritten.addInput(edit.scalar(node.getName() + "_value", value));
        edit.add(rewritten.build());
    }

    private void topK(NodeProto node, GraphEdit edit) {
        if (from >= 10) {
            edit.add(node);
            return;
        }
        long k = Attributes.getInt(node, "k", -1);
        NodeProto.Builder rewritten = Attributes.without(node, "k").toBuilder();
        rewritten.addInput(edit.int64s(node.getName() + "_k", List.of(k)));
        edit.add(rewritten.build());
    }

    private void batchNorm(NodeProto node, GraphEdit edit) {
        if (Attributes.getInt(node, "spatial", 1) != 1) {
            throw new UpgradeRefused("BatchNormalization '" + node.getName() + "' uses spatial=0, removed in opset 9");
        }
        if (node.getOutputCount() > 1) {
            throw new UpgradeRefused("BatchNormalization '" + node.getName() + "' has training outputs");
        }
        edit.add(Attributes.without(node, "spatial", "is_test", "consumed_inputs"));
    }
}
