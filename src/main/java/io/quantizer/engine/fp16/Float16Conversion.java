package io.quantizer.engine.fp16;

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
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import io.quantizer.engine.data.Float16;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.Opsets;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.onnx.UniqueNames;
import io.quantizer.engine.quantize.NodeDecision;
import io.quantizer.engine.quantize.NodeNames;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Converts a prepared float32 graph to float16 (the reverse of the preprocessor's float16 widening): nodes that
 * {@link Float16Policy} converts read float16 and write float16, with float16 copies of their weights; the others
 * stay float32. Each float tensor exists in whichever precision its producer wrote, and a Cast gives a reader the
 * other one, once per tensor. The model's inputs and outputs keep their float32 type and names: a Cast converts an
 * input on its way in and a result on its way out (also for a tensor a subgraph reads by name).
 */
public final class Float16Conversion {

    private final QuantizationRecipe recipe;

    public Float16Conversion(QuantizationRecipe recipe) {
        this.recipe = recipe.withDefaults();
    }

    public QuantizationOutcome convert(ModelProto prepared) {
        ModelProto model = NodeNames.ensure(prepared);
        GraphProto graph = model.getGraph();
        GraphIndex index = new GraphIndex(graph);
        Rewrite rewrite = new Rewrite(index, new UniqueNames(graph));
        List<NodeDecision> decisions = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            boolean touchesFloat = node.getInputList().stream().anyMatch(index::isFloat)
                    || node.getOutputList().stream().anyMatch(index::isFloat);
            if (!touchesFloat) {
                rewrite.nodes.add(node);
                decisions.add(new NodeDecision(node.getName(), node.getOpType(), false, false,
                        "not a float computation"));
                continue;
            }
            String kept = keptReason(node, index);
            if (kept == null) {
                rewrite.half(node);
                decisions.add(new NodeDecision(node.getName(), node.getOpType(), true, true, "computes in float16"));
            } else {
                rewrite.full(node);
                decisions.add(new NodeDecision(node.getName(), node.getOpType(), false, true, kept));
            }
        }
        GraphProto.Builder out = graph.toBuilder().clearNode().addAllNode(rewrite.nodes).clearValueInfo()
                .addAllInitializer(rewrite.halfInitializers);
        Set<String> read = new HashSet<>();
        rewrite.nodes.forEach(n -> read.addAll(n.getInputList()));
        graph.getOutputList().forEach(o -> read.add(o.getName()));
        List<TensorProto> initializers = out.getInitializerList().stream()
                .filter(t -> read.contains(t.getName()) || index.isReadBySubgraph(t.getName())).toList();
        out.clearInitializer().addAllInitializer(initializers);
        List<String> notes = List.of(rewrite.halfInitializers.size() + " weight(s) stored as float16; "
                + rewrite.casts + " Cast node(s) convert between float32 and float16 at the model's inputs and"
                + " outputs and around the nodes kept in float32");
        return new QuantizationOutcome(model.toBuilder().setGraph(out).build(), List.of(), decisions, notes);
    }

    private String keptReason(NodeProto node, GraphIndex index) {
        if (!recipe.allowsNode(node.getName(), node.getOpType())) {
            boolean excluded = recipe.excludeNodes().contains(node.getName())
                    || recipe.excludeOpTypes().contains(node.getOpType());
            return excluded ? "excluded by the recipe" : "not in the recipe's include lists";
        }
        if (Attributes.hasSubgraph(node)) {
            return "holds subgraphs, which are left intact";
        }
        if (!Opsets.isDefaultDomain(node.getDomain())) {
            return "operator of domain '" + node.getDomain() + "' is left as it is";
        }
        return Float16Policy.keptReason(node, index);
    }

    /** The rebuilt node list and where each float tensor's float16 and float32 versions are. */
    private static final class Rewrite {
        final GraphIndex index;
        final UniqueNames names;
        final List<NodeProto> nodes = new ArrayList<>();
        final List<TensorProto> halfInitializers = new ArrayList<>();
        final Map<String, String> halfName = new HashMap<>();
        final Map<String, String> fullName = new HashMap<>();
        int casts;

        Rewrite(GraphIndex index, UniqueNames names) {
            this.index = index;
            this.names = names;
        }

        void half(NodeProto node) {
            NodeProto.Builder b = node.toBuilder().clearInput().clearOutput();
            node.getInputList().forEach(in -> b.addInput(in.isEmpty() || !index.isFloat(in) ? in : halfOf(in)));
            List<NodeProto> after = new ArrayList<>();
            for (String o : node.getOutputList()) {
                if (o.isEmpty() || !index.isFloat(o)) {
                    b.addOutput(o);
                } else if (index.isGraphOutput(o) || index.isReadBySubgraph(o)) {
                    String alias = names.fresh(o + "_float16");
                    b.addOutput(alias);
                    halfName.put(o, alias);
                    fullName.put(o, o);
                    after.add(cast(alias, o, DataType.FLOAT));
                } else {
                    b.addOutput(o);
                    halfName.put(o, o);
                }
            }
            nodes.add(b.build());
            nodes.addAll(after);
        }

        void full(NodeProto node) {
            NodeProto.Builder b = node.toBuilder().clearInput();
            node.getInputList().forEach(in -> b.addInput(in.isEmpty() || !index.isFloat(in) ? in : fullOf(in)));
            node.getOutputList().forEach(o -> fullName.put(o, o));
            nodes.add(b.build());
        }

        private String halfOf(String tensor) {
            String known = halfName.get(tensor);
            if (known != null) {
                return known;
            }
            String name = names.fresh(tensor + "_float16");
            TensorProto constant = index.initializer(tensor);
            if (constant != null && constant.getDataType() == DataType.FLOAT_VALUE) {
                halfInitializers.add(toHalf(constant, name));
            } else {
                nodes.add(cast(fullOf(tensor), name, DataType.FLOAT16));
            }
            halfName.put(tensor, name);
            return name;
        }

        private String fullOf(String tensor) {
            String known = fullName.get(tensor);
            if (known != null) {
                return known;
            }
            String half = halfName.get(tensor);
            if (half == null || index.initializer(tensor) != null) { // an input or a weight: float32 as it is
                fullName.put(tensor, tensor);
                return tensor;
            }
            String name = names.fresh(tensor + "_float32");
            nodes.add(cast(half, name, DataType.FLOAT));
            fullName.put(tensor, name);
            return name;
        }

        private NodeProto cast(String from, String to, DataType type) {
            casts++;
            return NodeProto.newBuilder().setOpType("Cast").setName(names.fresh(to + "_cast")).addInput(from)
                    .addOutput(to).addAttribute(Attributes.ofInt("to", type.getNumber())).build();
        }

        private static TensorProto toHalf(TensorProto tensor, String name) {
            float[] values = TensorData.floats(tensor);
            byte[] raw = new byte[values.length * 2];
            for (int i = 0; i < values.length; i++) {
                short h = Float16.fromFloat(values[i]);
                raw[2 * i] = (byte) h;
                raw[2 * i + 1] = (byte) (h >> 8);
            }
            return TensorProto.newBuilder().setName(name).addAllDims(tensor.getDimsList())
                    .setDataType(DataType.FLOAT16_VALUE).setRawData(ByteString.copyFrom(raw)).build();
        }
    }
}
