package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.onnx.UniqueNames;

/**
 * Rewrites the graph once from a finished {@link QuantizationPlan}. A quantized activation keeps its name on the
 * DequantizeLinear output (its producer writes a renamed float tensor into QuantizeLinear), so consumers, graph
 * outputs and subgraphs that read it by name need no change. Constants become integer initializers behind a
 * DequantizeLinear that again produces the original name.
 */
final class QdqEmitter {

    private final GraphIndex index;
    private final QuantizationPlan plan;
    private final QuantParamsTable params;
    private final UniqueNames names;
    private final List<TensorProto> newInitializers = new ArrayList<>();
    private final Set<String> replacedInitializers = new HashSet<>();
    private final Map<String, String[]> paramInitializers = new HashMap<>();
    private final Map<Long, String> biasRenames = new HashMap<>();
    private final Map<String, String> graphInputRenames = new HashMap<>();
    private final Map<Integer, Map<String, String>> constantRenames = new HashMap<>();

    QdqEmitter(GraphIndex index, QuantizationPlan plan, Map<String, TensorRange> ranges, QuantParams.ElementType type,
            boolean symmetric, int weightLevels) {
        this.index = index;
        this.plan = plan;
        this.params = new QuantParamsTable(index, plan, ranges, type, symmetric, weightLevels);
        this.names = new UniqueNames(index.graph());
    }

    ModelProto emit(ModelProto model) {
        List<NodeProto> prologue = new ArrayList<>();
        // the weights are independent and their parameters fixed by now: quantize them in parallel
        Map<String, TensorProto> quantizedTensors = WeightPasses.inParallel(plan.constants().keySet(),
                c -> quantizedConstant(c, params.constant(c)));
        for (String constant : plan.constants().keySet()) {
            QuantParams p = params.constant(constant);
            String quantized = names.fresh(constant + "_quantized");
            newInitializers.add(quantizedTensors.get(constant).toBuilder().setName(quantized).build());
            if (onlyQuantizedReaders(constant)) {
                prologue.add(dequantize(quantized, constant, p, paramNames(constant, p)));
                replacedInitializers.add(constant);
            } else {
                // a float reader (or a graph output, a subgraph) keeps the original: a tied embedding read by a
                // float Gather must not be dequantized at every inference, nor lose precision
                String dequantized = names.fresh(constant + "_dequantized");
                prologue.add(dequantize(quantized, dequantized, p, paramNames(constant, p)));
                for (int reader : plan.constantReaders(constant)) {
                    constantRenames.computeIfAbsent(reader, k -> new HashMap<>()).put(constant, dequantized);
                }
            }
        }
        for (QuantizationPlan.Bias bias : plan.biases()) {
            prologue.add(biasDequantize(bias));
        }
        for (String tensor : plan.activations().keySet()) {
            if (index.producer(tensor) < 0 && index.constant(tensor) == null) {
                String dequantized = names.fresh(tensor + "_dequantized");
                graphInputRenames.put(tensor, dequantized);
                prologue.addAll(quantizePair(tensor, dequantized, tensor));
            }
        }
        GraphProto.Builder graph = index.graph().toBuilder().clearNode().clearInitializer().clearValueInfo();
        graph.addAllNode(prologue);
        for (int i = 0; i < index.nodes().size(); i++) {
            if (!plan.folds().containsKey(i)) {
                emitNode(i, graph);
            }
        }
        for (TensorProto t : index.graph().getInitializerList()) {
            if (!replacedInitializers.contains(t.getName())) {
                graph.addInitializer(t);
            }
        }
        graph.addAllInitializer(newInitializers);
        keepLiveValueInfo(graph);
        return model.toBuilder().setGraph(graph).build();
    }

    QuantParamsTable params() {
        return params;
    }

    /** The integer initializer of a constant: 8-bit in one chunked pass, 16-bit (uint16 activations) via ints. */
    private TensorProto quantizedConstant(String constant, QuantParams p) {
        TensorProto original = index.constant(constant);
        long[] dims = TensorData.shape(original.getDimsList());
        String name = constant; // named once the passes are done, in plan order
        if (p.type() == QuantParams.ElementType.UINT16) {
            return TensorData.uint16Tensor(name, dims, p.quantize(TensorData.floats(original), TensorData.dims(original)));
        }
        return TensorData.byteTensor(name, dims, onnxType(p.type()),
                p.quantizeToBytes(TensorData.floatView(original), TensorData.dims(original)));
    }

    private void emitNode(int i, GraphProto.Builder graph) {
        NodeProto node = index.node(i);
        NodeProto.Builder builder = node.toBuilder();
        for (int j = 0; j < node.getInputCount(); j++) {
            String renamed = biasRenames.get(key(i, j));
            if (renamed == null) {
                renamed = graphInputRenames.get(node.getInput(j));
            }
            if (renamed == null) {
                renamed = constantRenames.getOrDefault(i, Map.of()).get(node.getInput(j));
            }
            if (renamed != null) {
                builder.setInput(j, renamed);
            }
        }
        List<NodeProto> after = new ArrayList<>();
        for (int o = 0; o < node.getOutputCount(); o++) {
            String output = plan.afterFold(node.getOutput(o));
            if (!output.isEmpty() && plan.isActivation(output)) {
                String floatName = names.fresh(output + "_float");
                builder.setOutput(o, floatName);
                after.addAll(quantizePair(floatName, output, output));
            } else {
                builder.setOutput(o, output);
            }
        }
        graph.addNode(builder);
        graph.addAllNode(after);
    }

    /** Whether every reader of {@code constant} reads it quantized, so its float original can go. */
    private boolean onlyQuantizedReaders(String constant) {
        return !index.isGraphOutput(constant) && !index.isReadBySubgraph(constant)
                && plan.constantReaders(constant).containsAll(index.consumers(constant));
    }

    /** QuantizeLinear then DequantizeLinear with the parameters of {@code tensor} (or of the tensor it shares). */
    private List<NodeProto> quantizePair(String input, String output, String tensor) {
        String root = plan.root(tensor);
        QuantParams p = params.activation(root);
        String[] scaleAndZero = paramNames(root, p);
        String quantized = names.fresh(tensor + "_quantized");
        NodeProto q = NodeProto.newBuilder().setName(names.fresh(tensor + "_QuantizeLinear")).setOpType("QuantizeLinear")
                .addInput(input).addInput(scaleAndZero[0]).addInput(scaleAndZero[1]).addOutput(quantized).build();
        return List.of(q, dequantize(quantized, output, p, scaleAndZero));
    }

    private NodeProto dequantize(String quantized, String output, QuantParams p, String[] scaleAndZero) {
        NodeProto.Builder dq = NodeProto.newBuilder().setName(names.fresh(output + "_DequantizeLinear"))
                .setOpType("DequantizeLinear").addInput(quantized).addInput(scaleAndZero[0])
                .addInput(scaleAndZero[1]).addOutput(output);
        if (p.axis() != null) {
            dq.addAttribute(Attributes.ofInt("axis", p.axis()));
        }
        return dq.build();
    }

    private NodeProto biasDequantize(QuantizationPlan.Bias bias) {
        TensorProto original = index.constant(bias.name());
        QuantParams p = params.bias(bias);
        String quantized = names.fresh(bias.name() + "_quantized");
        float[] floats = TensorData.floats(original);
        int[] values = p.quantize(floats, new int[] {floats.length});
        newInitializers.add(TensorData.int32Tensor(quantized, new long[] {floats.length}, values));
        String scale = names.fresh(bias.name() + "_scale");
        String zero = names.fresh(bias.name() + "_zero_point");
        long[] dims = p.perChannel() ? new long[] {p.scales().length} : new long[0];
        newInitializers.add(TensorData.floatTensor(scale, dims, p.scales()));
        newInitializers.add(TensorData.int32Tensor(zero, dims, p.zeroPoints()));
        String output = names.fresh(bias.name() + "_dequantized");
        biasRenames.put(key(bias.node(), bias.inputIndex()), output);
        if (index.consumers(bias.name()).size() == 1 && !index.isGraphOutput(bias.name())) {
            replacedInitializers.add(bias.name());
        }
        return dequantize(quantized, output, p, new String[] {scale, zero});
    }

    /** The scale and zero-point initializers of {@code tensor}, created once and shared by every pair using them. */
    private String[] paramNames(String tensor, QuantParams p) {
        return paramInitializers.computeIfAbsent(tensor, t -> {
            String scale = names.fresh(t + "_scale");
            String zero = names.fresh(t + "_zero_point");
            long[] dims = p.perChannel() ? new long[] {p.scales().length} : new long[0];
            newInitializers.add(TensorData.floatTensor(scale, dims, p.scales()));
            newInitializers.add(p.type() == QuantParams.ElementType.UINT16
                    ? TensorData.uint16Tensor(zero, dims, p.zeroPoints())
                    : TensorData.byteTensor(zero, dims, onnxType(p.type()), p.zeroPoints()));
            return new String[] {scale, zero};
        });
    }

    private void keepLiveValueInfo(GraphProto.Builder graph) {
        Set<String> live = new HashSet<>();
        graph.getNodeList().forEach(n -> live.addAll(n.getOutputList()));
        List<ValueInfoProto> kept = index.graph().getValueInfoList().stream().filter(v -> live.contains(v.getName())).toList();
        graph.addAllValueInfo(kept);
    }

    static TensorProto.DataType onnxType(QuantParams.ElementType type) {
        return switch (type) {
            case UINT8 -> TensorProto.DataType.UINT8;
            case INT8 -> TensorProto.DataType.INT8;
            case UINT16 -> TensorProto.DataType.UINT16;
            case INT32 -> TensorProto.DataType.INT32;
        };
    }

    private static long key(int node, int input) {
        return ((long) node << 32) | input;
    }
}
