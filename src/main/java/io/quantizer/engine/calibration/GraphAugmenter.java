package io.quantizer.engine.calibration;

import java.util.HashSet;
import java.util.Set;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/** Makes the tensors to observe visible to ONNX Runtime as extra graph outputs. */
public final class GraphAugmenter {

    private GraphAugmenter() {
    }

    /** Graph tensors produced by the main graph's nodes (not inputs, not initializers, not in subgraphs). */
    static Set<String> nodeOutputs(GraphProto graph) {
        Set<String> produced = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            produced.addAll(node.getOutputList());
        }
        return produced;
    }

    /** Adds each tensor as a graph output, unless it already is one. */
    public static ModelProto withOutputs(ModelProto model, Set<String> tensors) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (String tensor : tensors) {
            if (outputs.add(tensor)) {
                graph.addOutput(tensorOutput(tensor, false));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    /** Declares {@code name} a graph output of element type float, or int64. */
    static void addOutput(GraphProto.Builder graph, String name, boolean int64) {
        graph.addOutput(tensorOutput(name, int64));
    }

    private static ValueInfoProto tensorOutput(String name, boolean int64) {
        TensorProto.DataType type = int64 ? TensorProto.DataType.INT64 : TensorProto.DataType.FLOAT;
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber())))
                .build();
    }
}
