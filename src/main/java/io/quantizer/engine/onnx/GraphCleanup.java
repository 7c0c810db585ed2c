package io.quantizer.engine.onnx;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/** Structural clean-ups of real-life models done before ONNX Runtime sees them. */
final class GraphCleanup {

    private GraphCleanup() {
    }

    /**
     * Turns top-level {@code Constant} nodes into initializers, so weights stored that way (some exporters emit
     * no initializers at all) are found by the quantizer. Constants inside subgraphs stay where they are.
     */
    static ModelProto constantsToInitializers(ModelProto model, List<String> notes) {
        GraphProto graph = model.getGraph();
        GraphProto.Builder builder = graph.toBuilder().clearNode();
        int moved = 0;
        for (NodeProto node : graph.getNodeList()) {
            TensorProto value = Opsets.isDefaultDomain(node.getDomain()) && node.getOpType().equals("Constant")
                    && node.getOutputCount() == 1 ? constantValue(node) : null;
            if (value == null) {
                builder.addNode(node);
            } else {
                builder.addInitializer(value.toBuilder().setName(node.getOutput(0)));
                moved++;
            }
        }
        if (moved == 0) {
            return model;
        }
        notes.add("moved " + moved + " Constant node value(s) into initializers");
        return model.toBuilder().setGraph(builder).build();
    }

    private static TensorProto constantValue(NodeProto node) {
        for (AttributeProto a : node.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return a.hasT() ? a.getT() : null;
                case "value_float":
                    return TensorData.floatTensor("", new long[0], new float[] {a.getF()});
                case "value_floats": {
                    float[] values = new float[a.getFloatsCount()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = a.getFloats(i);
                    }
                    return TensorData.floatTensor("", new long[] {values.length}, values);
                }
                case "value_int":
                    return TensorData.int64Tensor("", new long[0], new long[] {a.getI()});
                case "value_ints":
                    return TensorData.int64Tensor("", new long[] {a.getIntsCount()},
                            a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                default:
                    return null;
            }
        }
        return null;
    }

    /**
     * IR 3 required every initializer to be listed as a graph input too; such "inputs" can be overridden at run
     * time, so ONNX Runtime will not constant-fold through them (no BatchNorm folding) and the quantizer must not
     * treat them as constants. Nobody feeds them in practice: drop them from the inputs.
     */
    static ModelProto dropInitializerInputs(ModelProto model, List<String> notes) {
        GraphProto graph = model.getGraph();
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        GraphProto.Builder builder = graph.toBuilder().clearInput();
        int dropped = 0;
        for (ValueInfoProto input : graph.getInputList()) {
            if (initializers.contains(input.getName())) {
                dropped++;
            } else {
                builder.addInput(input);
            }
        }
        if (dropped == 0) {
            return model;
        }
        notes.add("removed " + dropped + " initializer(s) from the graph inputs (IR " + model.getIrVersion()
                + " style) so they can be folded and quantized as constants");
        ModelProto.Builder result = model.toBuilder().setGraph(builder);
        if (result.getIrVersion() < 4) {
            result.setIrVersion(4);
        }
        return result.build();
    }

    /**
     * Forgets declared intermediate shapes and the fixed dimensions of graph outputs, for models whose
     * declarations contradict what the graph computes (ONNX Runtime re-infers them).
     */
    static ModelProto forgetDeclaredShapes(ModelProto model) {
        GraphProto.Builder graph = model.getGraph().toBuilder().clearValueInfo().clearOutput();
        for (ValueInfoProto output : model.getGraph().getOutputList()) {
            ValueInfoProto.Builder info = output.toBuilder();
            if (info.getType().hasTensorType()) {
                info.getTypeBuilder().getTensorTypeBuilder().clearShape();
            }
            graph.addOutput(info);
        }
        return model.toBuilder().setGraph(graph).build();
    }

    static boolean hasFixedOutputShapes(ModelProto model) {
        for (ValueInfoProto output : model.getGraph().getOutputList()) {
            if (output.getType().hasTensorType() && output.getType().getTensorType().hasShape()) {
                for (TensorShapeProto.Dimension d : output.getType().getTensorType().getShape().getDimList()) {
                    if (d.hasDimValue()) {
                        return true;
                    }
                }
            }
        }
        return model.getGraph().getValueInfoCount() > 0;
    }
}
