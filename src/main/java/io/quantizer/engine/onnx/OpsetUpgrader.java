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
 * for per-channel weights), or to 21, the first whose QuantizeLinear/DequantizeLinear take 16-bit integers.
 * Between opsets 7 and 13 several operators moved attributes into inputs; those are rewritten here, subgraphs
 * included, and so are the changes from 13 to 21 ({@link #SINCE_13}). Operators whose meaning changed in ways
 * that cannot be rewritten locally make the upgrade refuse with a reason, and the caller falls back.
 */
public final class OpsetUpgrader {

    public static final long TARGET = 13;
    /** The newest opset this class upgrades to. */
    public static final long LATEST = 21;
    private static final long MIN_IR_FOR_TARGET = 7;
    /** Opset 21 came with IR version 10. */
    private static final long MIN_IR_FOR_LATEST = 10;
    /** Reductions whose {@code axes} became an input in opset 18 (ReduceSum's did in 13). */
    private static final Set<String> REDUCTIONS_18 = Set.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    /** Changes between 13 and 21 this class does not rewrite: GroupNormalization's scale per group (21), DFT (20). */
    private static final Set<String> UNSUPPORTED_SINCE_13 = Set.of("GroupNormalization", "DFT");
    /** Operators whose semantics changed before 13 in ways this class does not rewrite. */
    private static final Set<String> UNSUPPORTED = Set.of("Scan", "Scatter", "MaxUnpool");

    private final UniqueNames names;
    private final long from;

    private OpsetUpgrader(ModelProto model) {
        this.names = new UniqueNames(model.getGraph());
        this.from = Opsets.defaultDomainVersion(model);
    }

    /** The model at opset 13; {@link UpgradeRefused} when an operator cannot be carried over. */
    public static ModelProto upgrade(ModelProto model) {
        return upgrade(model, TARGET);
    }

    /** The model at opset {@code target} (13 to {@link #LATEST}); unchanged when it is there already. */
    public static ModelProto upgrade(ModelProto model, long target) {
        if (target < TARGET || target > LATEST) {
            throw new IllegalArgumentException("opset " + target + " is not a target: " + TARGET + " to " + LATEST);
        }
        long version = Opsets.defaultDomainVersion(model);
        if (version >= target) {
            return model;
        }
        ModelProto upgraded = model;
        if (version < TARGET) {
            OpsetUpgrader upgrader = new OpsetUpgrader(model);
            GraphProto graph = upgrader.graph(model.getGraph());
            upgraded = Opsets.withDefaultDomainVersion(model.toBuilder().setGraph(graph).build(), TARGET);
            if (upgraded.getIrVersion() < MIN_IR_FOR_TARGET) {
                upgraded = upgraded.toBuilder().setIrVersion(MIN_IR_FOR_TARGET).build();
            }
        }
        if (target > TARGET) {
            long from = Math.max(version, TARGET);
            GraphProto graph = SINCE_13.graph(upgraded.getGraph(), from, new UniqueNames(upgraded.getGraph()));
            upgraded = Opsets.withDefaultDomainVersion(upgraded.toBuilder().setGraph(graph).build(), target);
            if (upgraded.getIrVersion() < MIN_IR_FOR_LATEST) {
                upgraded = upgraded.toBuilder().setIrVersion(MIN_IR_FOR_LATEST).build();
            }
        }
        return upgraded;
    }

    /** The rewrites from opset 13 (or later) to 21. */
    private static final Since13 SINCE_13 = new Since13();

    private static final class Since13 {

        GraphProto graph(GraphProto graph, long from, UniqueNames names) {
            GraphEdit edit = new GraphEdit(graph.toBuilder().clearNode(), names);
            for (NodeProto original : graph.getNodeList()) {
                NodeProto node = Attributes.mapSubgraphs(original, g -> graph(g, from, names));
                if (!Opsets.isDefaultDomain(node.getDomain())) {
                    edit.add(node);
                } else {
                    rewrite(node, edit, from);
                }
            }
            return edit.build();
        }

        private void rewrite(NodeProto node, GraphEdit edit, long from) {
            String op = node.getOpType();
            if (UNSUPPORTED_SINCE_13.contains(op)) {
                throw new UpgradeRefused(op + " '" + node.getName() + "' changed meaning between opset 13 and "
                        + LATEST);
            }
            if (from < 18 && REDUCTIONS_18.contains(op)) {
                NodeProto.Builder rewritten = Attributes.without(node, "axes").toBuilder();
                Attributes.getInts(node, "axes").ifPresent(
                        axes -> rewritten.addInput(edit.int64s(node.getName() + "_axes", axes)));
                edit.add(rewritten.build());
            } else if (from < 18 && op.equals("Split")
                    && (node.getInputCount() < 2 || node.getInput(1).isEmpty())) {
                // from 18 a Split without sizes must say how many outputs it makes
                edit.add(node.toBuilder().addAttribute(Attributes.ofInt("num_outputs", node.getOutputCount())).build());
            } else if (from < 20 && op.equals("GridSample")) {
                String mode = Attributes.getString(node, "mode", "bilinear");
                String renamed = switch (mode) {
                    case "bilinear" -> "linear";
                    case "bicubic" -> "cubic";
                    default -> mode;
                };
                edit.add(Attributes.without(node, "mode").toBuilder()
                        .addAttribute(Attributes.ofString("mode", renamed)).build());
            } else {
                edit.add(node);
            }
        }
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
            case "Squeeze", "Unsqueeze", "ReduceSum" -> attributesToInputs(node, edit, from < 13, List.of("axes"));
            case "Split" -> attributesToInputs(node, edit, from < 13, List.of("split"));
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
