package io.quantizer.engine;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.runtime.Ort;

/** Small fp32 models built in code, with seeded weights, for engine tests that need no files. */
public final class TinyModels {

    private TinyModels() {
    }

    /** {@code y = relu(x·W + b)}, x [batch, 4] (batch fixed when {@code batch > 0}, else dynamic), y [batch, 3]. */
    public static ModelProto dense(long batch) {
        Random random = new Random(1);
        GraphProto graph = GraphProto.newBuilder().setName("dense")
                .addInput(floatValue("x", batch, 4))
                .addOutput(floatValue("y", batch, 3))
                .addInitializer(floats("W", random, 1f, 4, 3))
                .addInitializer(floats("b", random, 0.5f, 3))
                .addNode(node("MatMul", "x", "W", "xw"))
                .addNode(node("Add", "xw", "b", "xwb"))
                .addNode(node("Relu", "xwb", null, "y"))
                .build();
        return model(graph, 13);
    }

    /** {@code out = a + 2·b}: two inputs of shape [batch, 3], batch dynamic. */
    public static ModelProto twoInputs() {
        GraphProto graph = GraphProto.newBuilder().setName("two")
                .addInput(floatValue("a", -1, 3))
                .addInput(floatValue("b", -1, 3))
                .addOutput(floatValue("out", -1, 3))
                .addInitializer(TensorProto.newBuilder().setName("two").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addFloatData(2f))
                .addNode(node("Mul", "b", "two", "b2"))
                .addNode(node("Add", "a", "b2", "out"))
                .build();
        return model(graph, 13);
    }

    /**
     * A small image classifier: x [batch, 1, 8, 8] → Conv(4 filters, 3×3, pad 1) → Relu → MaxPool 2×2 → Flatten
     * → Gemm(64 → 10) → logits [batch, 10]. Seeded weights; quantizable Conv and Gemm.
     */
    public static ModelProto classifier() {
        Random random = new Random(7);
        NodeProto conv = node("Conv", "x", "conv_w", "conv").toBuilder().addInput("conv_b")
                .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("kernel_shape", 3, 3)).build();
        NodeProto pool = node("MaxPool", "relu", null, "pool").toBuilder()
                .addAttribute(ints("kernel_shape", 2, 2)).addAttribute(ints("strides", 2, 2)).build();
        NodeProto gemm = node("Gemm", "flat", "fc_w", "logits").toBuilder().addInput("fc_b")
                .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT)
                        .setI(1))
                .build();
        GraphProto graph = GraphProto.newBuilder().setName("classifier")
                .addInput(floatValue("x", -1, 1, 8, 8))
                .addOutput(floatValue("logits", -1, 10))
                .addInitializer(floats("conv_w", random, 0.5f, 4, 1, 3, 3))
                .addInitializer(floats("conv_b", random, 0.1f, 4))
                .addInitializer(floats("fc_w", random, 0.3f, 10, 64))
                .addInitializer(floats("fc_b", random, 0.1f, 10))
                .addNode(conv)
                .addNode(node("Relu", "conv", null, "relu"))
                .addNode(pool)
                .addNode(node("Flatten", "pool", null, "flat"))
                .addNode(gemm)
                .build();
        return model(graph, 13);
    }

    public static ModelProto model(GraphProto graph, int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("quantizer-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    public static NodeProto node(String op, String a, String b, String out) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out + "_" + op).addInput(a).addOutput(out);
        if (b != null) {
            n.addInput(b);
        }
        return n.build();
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A float tensor value; a negative dimension is dynamic. */
    public static ValueInfoProto floatValue(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** Uniform values in [-scale, scale). */
    public static TensorProto floats(String name, Random random, float scale, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        for (long i = 0; i < n; i++) {
            t.addFloatData((random.nextFloat() * 2 - 1) * scale);
        }
        return t.build();
    }

    /** The {@link #classifier()}'s own top class for each 8×8 sample: labels on which fp32 scores 100 %. */
    public static long[] classifierLabels(Path model, float[] x) throws OrtException {
        int n = x.length / 64;
        long[] labels = new long[n];
        try (OrtSession s = Ort.environment().createSession(model.toString());
             OnnxTensor in = OnnxTensor.createTensor(Ort.environment(), FloatBuffer.wrap(x), new long[] {n, 1, 8, 8});
             OrtSession.Result r = s.run(Map.of("x", in))) {
            float[][] logits = (float[][]) r.get(0).getValue();
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < logits[i].length; c++) {
                    if (logits[i][c] > logits[i][best]) {
                        best = c;
                    }
                }
                labels[i] = best;
            }
        }
        return labels;
    }
}
