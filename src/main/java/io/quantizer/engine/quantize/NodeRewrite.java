package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphEdit;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.Opsets;
import io.quantizer.engine.onnx.UniqueNames;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * The walk the calibration-free weight modes share: each node goes to the op rewriter registered for its type
 * (ONNX Runtime keeps such a registry per mode), which either writes its replacement into the graph or says why
 * the node stays float; the original node is kept then. Float weights no node reads any more are dropped.
 */
final class NodeRewrite {

    /** Rewrites one node; returns empty (writing nothing) when the node stays as it is, with the reason. */
    interface OpRewriter {
        Result rewrite(NodeProto node, GraphIndex index, GraphEdit edit, List<QuantizedTensor> tensors);
    }

    /** @param reason why the node was rewritten, or why not */
    record Result(boolean rewritten, String reason) {
        static Result done(String reason) {
            return new Result(true, reason);
        }

        static Result kept(String reason) {
            return new Result(false, reason);
        }
    }

    private NodeRewrite() {
    }

    /**
     * @param registry  op type → rewriter
     * @param unhandled the reason given to a float node no rewriter takes
     * @param domains   operator set domains the rewritten graph needs, with their versions
     */
    static QuantizationOutcome apply(ModelProto prepared, QuantizationRecipe recipe, Map<String, OpRewriter> registry,
                                     String unhandled, Map<String, Long> domains, List<String> notes) {
        ModelProto model = NodeNames.ensure(prepared);
        GraphIndex index = new GraphIndex(model.getGraph());
        GraphProto.Builder builder = model.getGraph().toBuilder().clearNode();
        GraphEdit edit = new GraphEdit(builder, new UniqueNames(model.getGraph()));
        List<QuantizedTensor> tensors = new ArrayList<>();
        List<NodeDecision> decisions = new ArrayList<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            NodeDecision decision = decide(node, index, edit, tensors, recipe, registry, unhandled);
            if (!decision.quantized()) {
                edit.add(node);
            }
            decisions.add(decision);
        }
        GraphProto graph = dropUnreadInitializers(edit.build());
        ModelProto.Builder out = model.toBuilder().setGraph(graph);
        domains.forEach((domain, version) -> {
            if (out.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(domain))) {
                out.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version));
            }
        });
        return new QuantizationOutcome(out.build(), tensors, decisions, notes);
    }

    private static NodeDecision decide(NodeProto node, GraphIndex index, GraphEdit edit, List<QuantizedTensor> tensors,
                                       QuantizationRecipe recipe, Map<String, OpRewriter> registry, String unhandled) {
        boolean touchesFloat = node.getInputList().stream().anyMatch(index::isFloat)
                || node.getOutputList().stream().anyMatch(index::isFloat);
        if (!touchesFloat) {
            return new NodeDecision(node.getName(), node.getOpType(), false, false, "not a float computation");
        }
        String reason;
        if (!recipe.allowsNode(node.getName(), node.getOpType())) {
            boolean excluded = recipe.excludeNodes().contains(node.getName())
                    || recipe.excludeOpTypes().contains(node.getOpType());
            reason = excluded ? "excluded by the recipe" : "not in the recipe's include lists";
        } else if (Attributes.hasSubgraph(node)) {
            reason = "holds subgraphs, which are left intact";
        } else if (!Opsets.isDefaultDomain(node.getDomain())) {
            reason = "operator of domain '" + node.getDomain() + "' is left as it is";
        } else {
            Optional<OpRewriter> rewriter = Optional.ofNullable(registry.get(node.getOpType()));
            if (rewriter.isEmpty()) {
                reason = unhandled;
            } else {
                Result result = rewriter.get().rewrite(node, index, edit, tensors);
                return new NodeDecision(node.getName(), node.getOpType(), result.rewritten(), true, result.reason());
            }
        }
        return new NodeDecision(node.getName(), node.getOpType(), false, true, reason);
    }

    private static GraphProto dropUnreadInitializers(GraphProto graph) {
        Set<String> read = new HashSet<>();
        graph.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        graph.getNodeList().forEach(n -> n.getAttributeList().forEach(a -> {
            if (a.hasG()) {
                collectReads(a.getG(), read);
            }
            a.getGraphsList().forEach(g -> collectReads(g, read));
        }));
        graph.getOutputList().forEach(o -> read.add(o.getName()));
        GraphProto.Builder b = graph.toBuilder().clearInitializer();
        graph.getInitializerList().stream().filter(t -> read.contains(t.getName())).forEach(b::addInitializer);
        return b.build();
    }

    private static void collectReads(GraphProto g, Set<String> into) {
        g.getNodeList().forEach(n -> {
            into.addAll(n.getInputList());
            n.getAttributeList().forEach(a -> {
                if (a.hasG()) {
                    collectReads(a.getG(), into);
                }
                a.getGraphsList().forEach(s -> collectReads(s, into));
            });
        });
    }
}
