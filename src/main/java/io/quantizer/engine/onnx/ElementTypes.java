package io.quantizer.engine.onnx;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Element types of every tensor of a graph. Declared types (inputs, outputs, value_info, initializers) win;
 * the rest is propagated through the nodes in order. ONNX Runtime's optimised model files carry no value_info,
 * so the quantizer cannot rely on declarations alone to tell float activations from shapes and indices.
 */
final class ElementTypes {

    private static final Set<String> INT64_OUTPUT = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin",
            "NonMaxSuppression");
    private static final Set<String> BOOL_OUTPUT = Set.of("Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf");

    private ElementTypes() {
    }

    static Map<String, Integer> infer(GraphProto graph, Map<String, TensorProto> initializers) {
        Map<String, Integer> types = new HashMap<>();
        declare(types, graph.getInputList());
        declare(types, graph.getOutputList());
        declare(types, graph.getValueInfoList());
        initializers.values().forEach(t -> types.put(t.getName(), t.getDataType()));
        for (NodeProto node : graph.getNodeList()) {
            for (int o = 0; o < node.getOutputCount(); o++) {
                String output = node.getOutput(o);
                if (!output.isEmpty() && !types.containsKey(output)) {
                    int type = outputType(node, o, types);
                    if (type != 0) {
                        types.put(output, type);
                    }
                }
            }
        }
        return types;
    }

    private static void declare(Map<String, Integer> types, Iterable<ValueInfoProto> infos) {
        for (ValueInfoProto info : infos) {
            if (info.hasType() && info.getType().hasTensorType() && info.getType().getTensorType().getElemType() != 0) {
                types.put(info.getName(), info.getType().getTensorType().getElemType());
            }
        }
    }

    private static int outputType(NodeProto node, int output, Map<String, Integer> types) {
        String op = node.getOpType();
        if (!Opsets.isDefaultDomain(node.getDomain()) && !node.getDomain().equals("com.microsoft")) {
            return 0;
        }
        if (INT64_OUTPUT.contains(op)) {
            return DataType.INT64_VALUE;
        }
        if (BOOL_OUTPUT.contains(op)) {
            return DataType.BOOL_VALUE;
        }
        switch (op) {
            case "Cast":
                return (int) Attributes.getInt(node, "to", 0);
            case "Constant":
            case "ConstantOfShape":
                return Attributes.find(node, "value").filter(AttributeProto::hasT).map(a -> a.getT().getDataType())
                        .orElse(op.equals("ConstantOfShape") ? DataType.FLOAT_VALUE : 0);
            case "DequantizeLinear":
                return DataType.FLOAT_VALUE;
            case "QuantizeLinear":
                return node.getInputCount() > 2 ? types.getOrDefault(node.getInput(2), DataType.UINT8_VALUE)
                        : DataType.UINT8_VALUE;
            case "Where":
                return node.getInputCount() > 1 ? types.getOrDefault(node.getInput(1), 0) : 0;
            case "MaxPool":
            case "TopK":
                return output == 0 ? firstKnownInput(node, types) : DataType.INT64_VALUE;
            case "Dropout":
                return output == 0 ? firstKnownInput(node, types) : DataType.BOOL_VALUE;
            case "If":
            case "Loop":
            case "Scan":
                return subgraphOutputType(node, output);
            default:
                return firstKnownInput(node, types);
        }
    }

    private static int firstKnownInput(NodeProto node, Map<String, Integer> types) {
        if (node.getInputCount() == 0) {
            return 0;
        }
        return types.getOrDefault(node.getInput(0), 0);
    }

    /** If's outputs are its branches' outputs; Loop's and Scan's follow their body's outputs after the condition. */
    private static int subgraphOutputType(NodeProto node, int output) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (!attribute.hasG()) {
                continue;
            }
            GraphProto body = attribute.getG();
            int index = node.getOpType().equals("Loop") ? output + 1 : output;
            if (index < body.getOutputCount()) {
                ValueInfoProto info = body.getOutput(index);
                if (info.hasType() && info.getType().hasTensorType()) {
                    return info.getType().getTensorType().getElemType();
                }
            }
        }
        return 0;
    }
}
