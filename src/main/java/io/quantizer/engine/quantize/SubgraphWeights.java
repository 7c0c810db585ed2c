package io.quantizer.engine.quantize;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.onnx.UniqueNames;

/**
 * Weight-only int8 storage for the large weights inside If/Loop/Scan subgraphs. Their computation is left exactly as
 * it was (activations stay float). Each weight moves to the main graph as an int8 initializer with a
 * DequantizeLinear, and the subgraph reads it back through an Identity under its original name. Identical weights
 * are stored once: ONNX Runtime's constant folding copies an LSTM's weights into each branch of an If.
 */
final class SubgraphWeights {

    /** Small tensors (shapes, scalars, biases) are not worth a DequantizeLinear. */
    private static final long MIN_ELEMENTS = 1024;

    private final boolean perChannel;
    private final UniqueNames names;
    private final List<QuantizedTensor> tensors = new ArrayList<>();
    private final List<NodeProto> hoistedNodes = new ArrayList<>();
    private final List<TensorProto> hoistedInitializers = new ArrayList<>();
    private final Map<TensorKey, String> hoisted = new HashMap<>();

    /** Identity of a weight's content (dims and bytes). */
    private record TensorKey(List<Long> dims, com.google.protobuf.ByteString raw, Integer axis) {
    }

    private SubgraphWeights(ModelProto model, boolean perChannel) {
        this.perChannel = perChannel;
        this.names = new UniqueNames(model.getGraph());
    }

    record Result(ModelProto model, List<QuantizedTensor> tensors) {
    }

    static Result quantize(ModelProto model, boolean perChannel) {
        SubgraphWeights weights = new SubgraphWeights(model, perChannel);
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            nodes.add(weights.withQuantizedSubgraphs(node));
        }
        GraphProto.Builder graph = model.getGraph().toBuilder().clearNode();
        graph.addAllNode(weights.hoistedNodes).addAllNode(nodes).addAllInitializer(weights.hoistedInitializers);
        return new Result(model.toBuilder().setGraph(graph).build(), weights.tensors);
    }

    private NodeProto withQuantizedSubgraphs(NodeProto node) {
        return Attributes.mapSubgraphs(node, this::subgraph);
    }

    private GraphProto subgraph(GraphProto graph) {
        Map<String, Integer> axes = weightAxes(graph);
        GraphProto.Builder builder = graph.toBuilder().clearNode().clearInitializer();
        for (TensorProto initializer : graph.getInitializerList()) {
            Integer axis = axes.get(initializer.getName());
            boolean eligible = axes.containsKey(initializer.getName())
                    && graph.getInputList().stream().noneMatch(i -> i.getName().equals(initializer.getName()))
                    && initializer.getDataType() == TensorProto.DataType.FLOAT_VALUE
                    && TensorData.elementCount(initializer) >= MIN_ELEMENTS
                    && MaskSentinels.constantProblem(initializer) == null; // no finite scale for inf/NaN/±FLT_MAX
            if (!eligible) {
                builder.addInitializer(initializer);
                continue;
            }
            int[] dims = TensorData.dims(initializer);
            Integer usedAxis = perChannel && axis != null && axis < dims.length ? axis : null;
            float[] values = TensorData.floats(initializer);
            TensorKey key = new TensorKey(initializer.getDimsList(), TensorData.floatTensor("", new long[0], values)
                    .getRawData(), usedAxis);
            String outer = hoisted.computeIfAbsent(key, k -> hoist(initializer.getName(), values, initializer, usedAxis));
            builder.addNode(NodeProto.newBuilder().setName(names.fresh(initializer.getName() + "_from_outer"))
                    .setOpType("Identity").addInput(outer).addOutput(initializer.getName()));
        }
        for (NodeProto node : graph.getNodeList()) {
            builder.addNode(withQuantizedSubgraphs(node));
        }
        return builder.build();
    }

    /** Stores one weight as int8 in the main graph; returns the name its DequantizeLinear produces there. */
    private String hoist(String name, float[] values, TensorProto initializer, Integer axis) {
        int[] dims = TensorData.dims(initializer);
        QuantParams p = QuantParams.symmetricWeight(values, dims, axis);
        String quantized = names.fresh(name + "_quantized");
        String scale = names.fresh(name + "_scale");
        String zero = names.fresh(name + "_zero_point");
        String output = names.fresh(name + "_dequantized");
        long[] paramDims = axis == null ? new long[0] : new long[] {p.scales().length};
        hoistedInitializers.add(TensorData.byteTensor(quantized, TensorData.shape(initializer.getDimsList()),
                TensorProto.DataType.INT8, p.quantizeToBytes(FloatBuffer.wrap(values), dims)));
        hoistedInitializers.add(TensorData.floatTensor(scale, paramDims, p.scales()));
        hoistedInitializers.add(TensorData.byteTensor(zero, paramDims, TensorProto.DataType.INT8, p.zeroPoints()));
        NodeProto.Builder dq = NodeProto.newBuilder().setName(names.fresh(name + "_DequantizeLinear"))
                .setOpType("DequantizeLinear").addInput(quantized).addInput(scale).addInput(zero).addOutput(output);
        if (axis != null) {
            dq.addAttribute(Attributes.ofInt("axis", axis));
        }
        hoistedNodes.add(dq.build());
        float min = 0;
        float max = 0;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        tensors.add(new QuantizedTensor(name, "weight", min, max, p.scales(), p.zeroPoints(), "int8", axis));
        return output;
    }

    /**
     * Initializers read only as the weight input of a matrix operator, with the axis of their output channels
     * (null: per-tensor). A name also read any other way is left alone.
     */
    private static Map<String, Integer> weightAxes(GraphProto graph) {
        Map<String, Integer> axes = new HashMap<>();
        Map<String, Boolean> otherUse = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                String input = node.getInput(i);
                Integer axis = weightAxis(node, i);
                if (axis == null && !isWeightSlot(node, i)) {
                    otherUse.put(input, true);
                } else {
                    axes.merge(input, axis == null ? -1 : axis, (a, b) -> a.equals(b) ? a : -1);
                }
            }
        }
        Map<String, Integer> result = new HashMap<>();
        axes.forEach((name, axis) -> {
            if (!otherUse.containsKey(name)) {
                result.put(name, axis < 0 ? null : axis);
            }
        });
        return result;
    }

    private static boolean isWeightSlot(NodeProto node, int input) {
        return switch (node.getOpType()) {
            case "LSTM", "GRU", "RNN" -> input == 1 || input == 2;
            case "Conv", "ConvTranspose", "MatMul", "Gemm" -> input == 1;
            default -> false;
        };
    }

    private static Integer weightAxis(NodeProto node, int input) {
        if (!isWeightSlot(node, input)) {
            return null;
        }
        return switch (node.getOpType()) {
            case "LSTM", "GRU", "RNN", "MatMul" -> 1;
            case "Conv" -> 0;
            case "Gemm" -> Attributes.getInt(node, "transB", 0) != 0 ? 0 : 1;
            default -> null;
        };
    }
}
