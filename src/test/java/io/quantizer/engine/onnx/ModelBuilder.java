package io.quantizer.engine.onnx;

import java.util.ArrayList;
import java.util.List;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/** Builds small ONNX models in tests. Dimensions given as -1 become symbolic ("batch"). */
public final class ModelBuilder {

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private long opset = 13;
    private long irVersion = 8;
    private int nodeCounter;

    public ModelBuilder opset(long opset) {
        this.opset = opset;
        return this;
    }

    public ModelBuilder ir(long irVersion) {
        this.irVersion = irVersion;
        return this;
    }

    public ModelBuilder input(String name, long... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
        return this;
    }

    public ModelBuilder output(String name, long... dims) {
        graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
        return this;
    }

    public ModelBuilder output(String name) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        return this;
    }

    public ModelBuilder floats(String name, long[] dims, float[] values) {
        graph.addInitializer(TensorData.floatTensor(name, dims, values));
        return this;
    }

    public ModelBuilder int64s(String name, long... values) {
        graph.addInitializer(TensorData.int64Tensor(name, new long[] {values.length}, values));
        return this;
    }

    /** A float initializer of the given shape filled deterministically from {@code seed}. */
    public ModelBuilder random(String name, long seed, float amplitude, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        java.util.Random random = new java.util.Random(seed);
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * amplitude);
        }
        return floats(name, dims, values);
    }

    public ModelBuilder node(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        return node(op + "_" + (nodeCounter++), op, inputs, outputs, attributes);
    }

    public ModelBuilder node(String name, String op, List<String> inputs, List<String> outputs,
            AttributeProto... attributes) {
        graph.addNode(NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(inputs).addAllOutput(outputs)
                .addAllAttribute(List.of(attributes)));
        return this;
    }

    public ModelBuilder rawNode(NodeProto node) {
        graph.addNode(node);
        return this;
    }

    public GraphProto.Builder graph() {
        return graph;
    }

    public ModelProto build() {
        return ModelProto.newBuilder().setIrVersion(irVersion).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    public static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    public static List<String> names(String... names) {
        return new ArrayList<>(List.of(names));
    }
}
