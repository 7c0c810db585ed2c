package io.quantizer.engine.quantize;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.engine.onnx.GraphIndex;

/**
 * Reads the groups off a finished plan, one per quantized node. A quantized output's Q/DQ stays as long as its
 * producer or any consumer reads it quantized (an int8 Conv needs its output quantized, an int8 reader needs its
 * input so), so returning a node's activation to float takes the node, its folded activation and every node reading
 * that activation quantized, through data-movement nodes that reuse its parameters.
 */
final class QuantGroups {

    private QuantGroups() {
    }

    static List<QuantGroup> of(GraphIndex index, QuantizationPlan plan, List<NodeDecision> decisions) {
        List<QuantGroup> groups = new ArrayList<>();
        for (int i = 0; i < index.nodes().size(); i++) {
            if (!decisions.get(i).quantized() || plan.folds().containsKey(i)) {
                continue;
            }
            NodeProto node = index.node(i);
            Set<String> nodes = new LinkedHashSet<>(List.of(node.getName()));
            Set<String> tensors = new LinkedHashSet<>();
            for (String input : node.getInputList()) {
                if (!input.isEmpty() && plan.isActivation(input) && index.constant(input) == null) {
                    tensors.add(input);
                }
            }
            boolean ownOutput = false;
            boolean sharedOutput = false;
            Deque<String> own = new ArrayDeque<>();
            for (String output : node.getOutputList()) {
                String after = plan.afterFold(output);
                if (!after.equals(output) && index.producer(after) >= 0) {
                    nodes.add(index.node(index.producer(after)).getName());
                }
                QuantizationPlan.Activation a = after.isEmpty() ? null : plan.activation(after);
                if (a != null) {
                    tensors.add(after);
                    ownOutput |= a.sharesWith() == null;
                    sharedOutput |= a.sharesWith() != null;
                    if (a.sharesWith() == null) {
                        own.add(after);
                    }
                }
            }
            addReaders(index, plan, decisions, own, nodes);
            groups.add(new QuantGroup(node.getName(), node.getOpType(), List.copyOf(nodes), List.copyOf(tensors),
                    sharedOutput && !ownOutput));
        }
        return groups;
    }

    /** Adds the quantized readers of {@code pending}, following outputs that reuse a read tensor's parameters. */
    private static void addReaders(GraphIndex index, QuantizationPlan plan, List<NodeDecision> decisions,
                                   Deque<String> pending, Set<String> nodes) {
        Set<String> seen = new LinkedHashSet<>(pending);
        while (!pending.isEmpty()) {
            String tensor = pending.poll();
            for (int reader : index.consumers(tensor)) {
                if (!decisions.get(reader).quantized() || plan.folds().containsKey(reader)) {
                    continue;
                }
                nodes.add(index.node(reader).getName());
                for (String out : index.node(reader).getOutputList()) {
                    String after = plan.afterFold(out);
                    QuantizationPlan.Activation a = after.isEmpty() ? null : plan.activation(after);
                    if (a != null && tensor.equals(a.sharesWith()) && seen.add(after)) {
                        pending.add(after);
                    }
                }
            }
        }
    }
}
