package io.quantizer.engine.onnx;

import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.quantizer.engine.data.Float16;

/**
 * Gives a float16 model a float32 interior, which is what the calibrator observes and the quantizer quantizes,
 * while its interface stays float16: float16 initializers and constants become float32, casts and type
 * attributes to float16 now target float32, declared types follow, and Cast nodes at the graph boundary convert
 * float16 inputs in and float32 results back out. The int8 model built from it therefore takes and returns
 * float16 like the user's model.
 */
final class Float16Widening {

    private static final int HALF = DataType.FLOAT16_VALUE;
    private static final int FLOAT = DataType.FLOAT_VALUE;

    private Float16Widening() {
    }

    /** The widened model, or {@code model} itself when nothing in it is float16; {@code notes} says what changed. */
    static ModelProto widen(ModelProto model, List<String> notes) {
        GraphProto graph = model.getGraph();
        GraphProto interior = widen(graph);
        if (interior.equals(graph)) {
            return model;
        }
        UniqueNames names = new UniqueNames(graph);
        GraphProto.Builder widened = interior.toBuilder();
        Set<String> inputNames = new HashSet<>();
        graph.getInputList().forEach(v -> inputNames.add(v.getName()));
        List<String> inputs = new ArrayList<>();
        List<NodeProto> front = new ArrayList<>();
        for (int i = 0; i < widened.getInputCount(); i++) {
            ValueInfoProto input = graph.getInput(i);
            if (isHalf(input)) {
                // widen() declared it float32: the interface keeps float16, a Cast feeds the float32 interior
                widened.setInput(i, input);
                String inside = names.fresh(input.getName() + "_float32");
                rename(widened, input.getName(), inside, false);
                front.add(cast(names, input.getName(), inside, FLOAT));
                inputs.add(input.getName());
            }
        }
        List<String> outputs = new ArrayList<>();
        List<NodeProto> back = new ArrayList<>();
        for (int o = 0; o < widened.getOutputCount(); o++) {
            ValueInfoProto output = graph.getOutput(o);
            if (isHalf(output) && inputNames.contains(output.getName())) {
                widened.setOutput(o, output); // an input passed straight through stays float16
            } else if (isHalf(output)) {
                widened.setOutput(o, output);
                String inside = names.fresh(output.getName() + "_float32");
                rename(widened, output.getName(), inside, true);
                back.add(cast(names, inside, output.getName(), HALF));
                outputs.add(output.getName());
            }
        }
        // declarations of the renamed boundary names would now contradict their float16 type
        Set<String> boundary = new HashSet<>(inputs);
        boundary.addAll(outputs);
        List<ValueInfoProto> declared = widened.getValueInfoList().stream()
                .filter(v -> !boundary.contains(v.getName())).toList();
        widened.clearValueInfo().addAllValueInfo(declared);
        List<NodeProto> nodes = new ArrayList<>(front);
        nodes.addAll(widened.getNodeList());
        nodes.addAll(back);
        widened.clearNode().addAllNode(nodes);
        notes.add("computed the float16 model in float32 (float16 weights, constants and casts widened); Cast nodes "
                + "at the boundary keep its float16 inputs " + inputs + " and outputs " + outputs);
        return model.toBuilder().setGraph(widened).build();
    }

    private static boolean isHalf(ValueInfoProto value) {
        return value.getType().hasTensorType() && value.getType().getTensorType().getElemType() == HALF;
    }

    /** The graph with every float16 type, tensor and cast target made float32, subgraphs included. */
    private static GraphProto widen(GraphProto graph) {
        GraphProto.Builder b = graph.toBuilder();
        b.clearInitializer();
        graph.getInitializerList().forEach(t -> b.addInitializer(widen(t)));
        UnaryOperator<ValueInfoProto> value = v -> {
            if (!isHalf(v)) {
                return v;
            }
            ValueInfoProto.Builder w = v.toBuilder();
            w.getTypeBuilder().getTensorTypeBuilder().setElemType(FLOAT);
            return w.build();
        };
        replaceAll(b.getInputList(), value, b::setInput);
        replaceAll(b.getOutputList(), value, b::setOutput);
        replaceAll(b.getValueInfoList(), value, b::setValueInfo);
        for (int n = 0; n < b.getNodeCount(); n++) {
            NodeProto node = b.getNode(n);
            NodeProto.Builder w = node.toBuilder().clearAttribute();
            for (AttributeProto a : node.getAttributeList()) {
                w.addAttribute(widen(a));
            }
            b.setNode(n, w);
        }
        return b.build();
    }

    private static AttributeProto widen(AttributeProto a) {
        AttributeProto.Builder w = a.toBuilder();
        if (a.getType() == AttributeProto.AttributeType.INT && a.getI() == HALF
                && (a.getName().equals("to") || a.getName().equals("dtype"))) {
            w.setI(FLOAT);
        }
        if (a.hasT()) {
            w.setT(widen(a.getT()));
        }
        if (a.hasG()) {
            w.setG(widen(a.getG()));
        }
        for (int i = 0; i < a.getGraphsCount(); i++) {
            w.setGraphs(i, widen(a.getGraphs(i)));
        }
        return w.build();
    }

    private static TensorProto widen(TensorProto t) {
        if (t.getDataType() != HALF) {
            return t;
        }
        if (ExternalData.isExternal(t)) {
            throw new io.quantizer.engine.EngineInputException("float16 tensor '" + t.getName() + "' keeps its data "
                    + "in an external file; float16 models with external data are not supported, convert it to "
                    + "float32 first");
        }
        int n = Math.toIntExact(TensorData.elementCount(t));
        float[] values = new float[n];
        if (!t.getRawData().isEmpty()) {
            ShortBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            for (int i = 0; i < n; i++) {
                values[i] = Float16.toFloat(raw.get(i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = Float16.toFloat((short) t.getInt32Data(i)); // int32_data holds the bits
            }
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return TensorData.floatTensor(t.getName(), dims, values).toBuilder().setDocString(t.getDocString()).build();
    }

    /**
     * Renames {@code from} to {@code to} where nodes read it (subgraphs included, which may read outer names) and,
     * when {@code produced}, where a node writes it.
     */
    private static void rename(GraphProto.Builder graph, String from, String to, boolean produced) {
        for (int n = 0; n < graph.getNodeCount(); n++) {
            graph.setNode(n, rename(graph.getNode(n), from, to, produced));
        }
    }

    private static NodeProto rename(NodeProto node, String from, String to, boolean produced) {
        NodeProto.Builder b = node.toBuilder();
        for (int i = 0; i < b.getInputCount(); i++) {
            if (b.getInput(i).equals(from)) {
                b.setInput(i, to);
            }
        }
        for (int i = 0; produced && i < b.getOutputCount(); i++) {
            if (b.getOutput(i).equals(from)) {
                b.setOutput(i, to);
            }
        }
        for (int a = 0; a < b.getAttributeCount(); a++) {
            AttributeProto attribute = b.getAttribute(a);
            if (attribute.hasG()) {
                GraphProto.Builder sub = attribute.getG().toBuilder();
                rename(sub, from, to, false);
                b.setAttribute(a, attribute.toBuilder().setG(sub));
            }
        }
        return b.build();
    }

    private static NodeProto cast(UniqueNames names, String input, String output, int to) {
        return NodeProto.newBuilder().setName(names.fresh(output + "_Cast")).setOpType("Cast").addInput(input)
                .addOutput(output).addAttribute(AttributeProto.newBuilder().setName("to")
                        .setType(AttributeProto.AttributeType.INT).setI(to)).build();
    }

    private static <T> void replaceAll(List<T> list, UnaryOperator<T> change,
                                       java.util.function.BiConsumer<Integer, T> set) {
        List<T> copy = List.copyOf(list);
        for (int i = 0; i < copy.size(); i++) {
            T changed = change.apply(copy.get(i));
            if (changed != copy.get(i)) {
                set.accept(i, changed);
            }
        }
    }
}
