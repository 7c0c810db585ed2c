package io.quantizer.engine.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * A read-only index over one graph (not its subgraphs): who produces and who consumes each tensor, which
 * tensors are initializers, graph inputs and outputs, and each tensor's element type. Nodes are referred to by
 * their position in {@link GraphProto#getNodeList()}.
 *
 * <p>A node with subgraphs (If, Loop, Scan) counts as a consumer of every name its subgraphs read, because
 * they may reference outer-scope tensors; renaming or removing such a tensor would break the subgraph.
 */
public final class GraphIndex {

    private final GraphProto graph;
    private final Map<String, Integer> producers = new HashMap<>();
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Set<String> graphInputs = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> subgraphReads = new HashSet<>();
    private final Map<String, Integer> elementTypes;

    public GraphIndex(GraphProto graph) {
        this.graph = graph;
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        graph.getInputList().forEach(v -> graphInputs.add(v.getName()));
        graph.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            for (String output : node.getOutputList()) {
                if (!output.isEmpty()) {
                    producers.put(output, i);
                }
            }
            Set<String> read = new HashSet<>(node.getInputList());
            if (Attributes.hasSubgraph(node)) {
                Set<String> inner = new HashSet<>();
                for (AttributeProto attribute : node.getAttributeList()) {
                    if (attribute.hasG()) {
                        collectReads(attribute.getG(), inner);
                    }
                    attribute.getGraphsList().forEach(g -> collectReads(g, inner));
                }
                subgraphReads.addAll(inner);
                read.addAll(inner);
            }
            for (String input : read) {
                if (!input.isEmpty()) {
                    consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(i);
                }
            }
        }
        elementTypes = ElementTypes.infer(graph, initializers);
    }

    public GraphProto graph() {
        return graph;
    }

    public List<NodeProto> nodes() {
        return graph.getNodeList();
    }

    public NodeProto node(int index) {
        return graph.getNode(index);
    }

    /** The index of the node producing {@code tensor}, or -1 for graph inputs, initializers and unknown names. */
    public int producer(String tensor) {
        return producers.getOrDefault(tensor, -1);
    }

    /** Indices of the nodes reading {@code tensor}, directly or from inside a subgraph; each node once. */
    public List<Integer> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    public boolean isReadBySubgraph(String tensor) {
        return subgraphReads.contains(tensor);
    }

    /** A constant: an initializer that is not also an overridable graph input. */
    public TensorProto constant(String tensor) {
        return graphInputs.contains(tensor) ? null : initializers.get(tensor);
    }

    public TensorProto initializer(String tensor) {
        return initializers.get(tensor);
    }

    public Map<String, TensorProto> initializers() {
        return initializers;
    }

    public boolean isGraphInput(String tensor) {
        return graphInputs.contains(tensor);
    }

    public boolean isGraphOutput(String tensor) {
        return graphOutputs.contains(tensor);
    }

    /** ONNX element type number of {@code tensor}, 0 when it cannot be told. */
    public int elementType(String tensor) {
        return elementTypes.getOrDefault(tensor, 0);
    }

    public boolean isFloat(String tensor) {
        return elementType(tensor) == TensorProto.DataType.FLOAT_VALUE;
    }

    private static void collectReads(GraphProto subgraph, Set<String> into) {
        for (NodeProto node : subgraph.getNodeList()) {
            node.getInputList().forEach(into::add);
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    collectReads(attribute.getG(), into);
                }
                attribute.getGraphsList().forEach(g -> collectReads(g, into));
            }
        }
        subgraph.getOutputList().stream().map(ValueInfoProto::getName).forEach(into::add);
    }
}
