package io.quantizer.model.onnx;

import java.util.Arrays;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

/** Builds small ONNX models in code for tests; public so feature tests can upload them. */
public final class OnnxTestModels {

    public static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
    public static final int INT64 = OnnxMl.TensorProto.DataType.INT64_VALUE;

    private OnnxTestModels() {
    }

    /** A tensor value info; each dim is a Long (fixed), a String (symbolic) or null (unknown). */
    public static OnnxMl.ValueInfoProto value(String name, int elemType, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder d = shape.addDimBuilder();
            if (dim instanceof Number n) {
                d.setDimValue(n.longValue());
            } else if (dim instanceof String s) {
                d.setDimParam(s);
            }
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    /** A float32 tensor of zeros in raw_data. */
    public static OnnxMl.TensorProto floats(String name, long... dims) {
        long count = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .addAllDims(Arrays.stream(dims).boxed().toList())
                .setRawData(ByteString.copyFrom(new byte[(int) count * 4])).build();
    }

    public static OnnxMl.TensorProto int64s(String name, long... values) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length)
                .addAllInt64Data(Arrays.stream(values).boxed().toList()).build();
    }

    public static OnnxMl.NodeProto.Builder node(String opType, String[] inputs, String... outputs) {
        return OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + String.join("_", outputs))
                .addAllInput(Arrays.asList(inputs)).addAllOutput(Arrays.asList(outputs));
    }

    public static OnnxMl.NodeProto constant(String output, OnnxMl.TensorProto value) {
        return node("Constant", new String[0], output).addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("value").setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(value)).build();
    }

    public static OnnxMl.AttributeProto graphAttribute(String name, OnnxMl.GraphProto graph) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.GRAPH)
                .setG(graph).build();
    }

    public static OnnxMl.ModelProto model(OnnxMl.GraphProto graph, long irVersion, long opset) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(irVersion).setProducerName("quantizer-tests")
                .setProducerVersion("1.0").setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    /** y = x·W + B with x f32[batch, 3], W [3, 4], B [4]: 16 parameters, one MatMul and one Add. */
    public static OnnxMl.ModelProto linear() {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("linear")
                .addInput(value("x", FLOAT, "batch", 3L))
                .addInitializer(floats("W", 3, 4))
                .addInitializer(floats("B", 4))
                .addNode(node("MatMul", new String[] {"x", "W"}, "xw"))
                .addNode(node("Add", new String[] {"xw", "B"}, "y"))
                .addOutput(value("y", FLOAT, "batch", 4L))
                .build();
        return model(graph, 8, 13);
    }
}
