package io.quantizer.engine.onnx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * A graph being rebuilt node by node: rewriters append nodes in topological order and add the small constant
 * initializers their new nodes need, under names that clash with nothing.
 */
public final class GraphEdit {

    private final GraphProto.Builder graph;
    private final UniqueNames names;
    private final Map<String, Integer> declaredRanks = new HashMap<>();

    /** {@code graph} must have its nodes cleared; its inputs, outputs and initializers are kept. */
    public GraphEdit(GraphProto.Builder graph, UniqueNames names) {
        this.graph = graph;
        this.names = names;
        for (List<ValueInfoProto> infos : List.of(graph.getInputList(), graph.getOutputList(), graph.getValueInfoList())) {
            for (ValueInfoProto info : infos) {
                if (info.getType().hasTensorType() && info.getType().getTensorType().hasShape()) {
                    declaredRanks.put(info.getName(), info.getType().getTensorType().getShape().getDimCount());
                }
            }
        }
    }

    public void add(NodeProto node) {
        graph.addNode(node);
    }

    public String fresh(String base) {
        return names.fresh(base);
    }

    /** The rank declared for {@code tensor} in the graph's inputs, outputs or value_info; -1 when undeclared. */
    public int declaredRank(String tensor) {
        return declaredRanks.getOrDefault(tensor, -1);
    }

    public String scalar(String base, float value) {
        String name = names.fresh(base);
        graph.addInitializer(TensorData.floatTensor(name, new long[0], new float[] {value}));
        return name;
    }

    public String floats(String base, long[] dims, float[] values) {
        String name = names.fresh(base);
        graph.addInitializer(TensorData.floatTensor(name, dims, values));
        return name;
    }

    public String int64s(String base, List<Long> values) {
        String name = names.fresh(base);
        long[] array = values.stream().mapToLong(Long::longValue).toArray();
        graph.addInitializer(TensorData.int64Tensor(name, new long[] {array.length}, array));
        return name;
    }

    /** Adds an initializer the caller built under a name from {@link #fresh}. */
    public void addInitializer(ai.onnx.proto.OnnxMl.TensorProto tensor) {
        graph.addInitializer(tensor);
    }

    public GraphProto build() {
        return graph.build();
    }
}
