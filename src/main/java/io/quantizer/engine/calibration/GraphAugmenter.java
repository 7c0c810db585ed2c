package io.quantizer.engine.calibration;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Makes the tensors to observe visible to ONNX Runtime: either as extra graph outputs (histogram methods fetch
 * whole activations), or reduced inside the graph to their minimum, maximum and element count, so that MinMax
 * fetches three scalars per tensor and never copies an activation out.
 */
final class GraphAugmenter {

    private static final String PREFIX = "quantizer_calibration_";

    /** The names the augmented graph gives a tensor's extremes. */
    record ExtremeOutputs(String min, String max, String size) {
    }

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
    static ModelProto withOutputs(ModelProto model, Set<String> tensors) {
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

    /** Adds ReduceMin, ReduceMax and Size of each tensor as scalar graph outputs; returns their names. */
    static ModelProto withExtremes(ModelProto model, Set<String> tensors, Map<String, ExtremeOutputs> names) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        int i = 0;
        Map<String, ExtremeOutputs> added = new LinkedHashMap<>();
        for (String tensor : tensors) {
            ExtremeOutputs out = new ExtremeOutputs(PREFIX + i + "_min", PREFIX + i + "_max", PREFIX + i + "_size");
            graph.addNode(reduce("ReduceMin", tensor, out.min()));
            graph.addNode(reduce("ReduceMax", tensor, out.max()));
            graph.addNode(NodeProto.newBuilder().setOpType("Size").setName(out.size() + "_node")
                    .addInput(tensor).addOutput(out.size()));
            graph.addOutput(tensorOutput(out.min(), false));
            graph.addOutput(tensorOutput(out.max(), false));
            graph.addOutput(tensorOutput(out.size(), true));
            added.put(tensor, out);
            i++;
        }
        names.putAll(added);
        return model.toBuilder().setGraph(graph).build();
    }

    /** Reduces over every axis (no axes given, the default in every opset) to a scalar. */
    private static NodeProto reduce(String op, String input, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(output + "_node").addInput(input).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT)
                        .setI(0))
                .build();
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
