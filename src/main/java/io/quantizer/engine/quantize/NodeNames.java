package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.engine.onnx.UniqueNames;

/** Gives unnamed top-level nodes unique names: decisions and recipe exclusions refer to nodes by name. */
public final class NodeNames {

    private NodeNames() {
    }

    public static ModelProto ensure(ModelProto model) {
        GraphProto graph = model.getGraph();
        if (graph.getNodeList().stream().noneMatch(n -> n.getName().isEmpty())) {
            return model;
        }
        UniqueNames names = new UniqueNames(graph);
        GraphProto.Builder builder = graph.toBuilder().clearNode();
        for (NodeProto node : graph.getNodeList()) {
            builder.addNode(node.getName().isEmpty()
                    ? node.toBuilder().setName(names.fresh(node.getOpType() + "_" + builder.getNodeCount())).build()
                    : node);
        }
        return model.toBuilder().setGraph(builder).build();
    }
}
