package io.quantizer.engine.onnx;

import java.util.HashSet;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Hands out tensor and node names that clash with nothing in the graph, subgraphs included (a subgraph may
 * read an outer-scope tensor by name, so a new outer name must not shadow or collide with an inner one).
 */
public final class UniqueNames {

    private final Set<String> taken = new HashSet<>();

    public UniqueNames(GraphProto graph) {
        collect(graph);
    }

    /** {@code base} itself when free, otherwise {@code base_2}, {@code base_3}...; the result is reserved. */
    public String fresh(String base) {
        String candidate = base;
        for (int i = 2; !taken.add(candidate); i++) {
            candidate = base + "_" + i;
        }
        return candidate;
    }

    public boolean isTaken(String name) {
        return taken.contains(name);
    }

    private void collect(GraphProto graph) {
        for (ValueInfoProto v : graph.getInputList()) {
            taken.add(v.getName());
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            taken.add(v.getName());
        }
        for (ValueInfoProto v : graph.getValueInfoList()) {
            taken.add(v.getName());
        }
        for (TensorProto t : graph.getInitializerList()) {
            taken.add(t.getName());
        }
        for (NodeProto node : graph.getNodeList()) {
            taken.add(node.getName());
            taken.addAll(node.getInputList());
            taken.addAll(node.getOutputList());
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    collect(attribute.getG());
                }
                for (GraphProto g : attribute.getGraphsList()) {
                    collect(g);
                }
            }
        }
    }
}
