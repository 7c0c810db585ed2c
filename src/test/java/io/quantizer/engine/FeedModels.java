package io.quantizer.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.quantizer.engine.data.Float16;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.TensorData;

/**
 * Models with the inputs users bring beyond a float32 batch: a Silero-VAD-like recurrent step (a scalar int64
 * sample rate, a state shaped [2, batch, C] whose batch is not first), integer and bool inputs, and a float16
 * export. Seeded weights; every output depends on every input.
 */
public final class FeedModels {

    public static final int FRAME = 64;
    public static final int CHANNELS = 8;

    private FeedModels() {
    }

    /**
     * One recurrent step: {@code h = tanh((input·Wx + state[0]·Ws) · sr / 16000)}, {@code output =
     * sigmoid(h·Wo)} [batch, 1], {@code stateN = [h, h]} [2, batch, C]. Inputs {@code input} float32
     * [batch, 64], {@code state} float32 [2, batch, 8], {@code sr} int64 scalar.
     */
    public static ModelProto stateful() {
        ModelBuilder m = new ModelBuilder();
        m.graph().addInput(ModelBuilder.valueInfo("input", TensorProto.DataType.FLOAT_VALUE, -1, FRAME));
        m.graph().addInput(ModelBuilder.valueInfo("state", TensorProto.DataType.FLOAT_VALUE, 2, -1, CHANNELS));
        m.graph().addInput(ModelBuilder.valueInfo("sr", TensorProto.DataType.INT64_VALUE));
        m.output("output", -1, 1).output("stateN", 2, -1, CHANNELS);
        m.random("Wx", 1, 0.3f, FRAME, CHANNELS).random("Ws", 2, 0.5f, CHANNELS, CHANNELS)
                .random("Wo", 3, 0.8f, CHANNELS, 1)
                .floats("sr_ref", new long[0], new float[] {16000f});
        m.graph().addInitializer(TensorData.int64Tensor("first", new long[0], new long[] {0}));
        m.int64s("axis0", 0);
        m.node("Cast", List.of("sr"), List.of("srf"), intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
                .node("Div", List.of("srf", "sr_ref"), List.of("sr_scale"))
                .node("MatMul", List.of("input", "Wx"), List.of("xh"))
                .node("Gather", List.of("state", "first"), List.of("s0"), intAttribute("axis", 0))
                .node("MatMul", List.of("s0", "Ws"), List.of("sh"))
                .node("Add", List.of("xh", "sh"), List.of("pre"))
                .node("Mul", List.of("pre", "sr_scale"), List.of("scaled"))
                .node("Tanh", List.of("scaled"), List.of("h"))
                .node("MatMul", List.of("h", "Wo"), List.of("logit"))
                .node("Sigmoid", List.of("logit"), List.of("output"))
                .node("Unsqueeze", List.of("h", "axis0"), List.of("hu"))
                .node("Concat", List.of("hu", "hu"), List.of("stateN"), intAttribute("axis", 0));
        return m.build();
    }

    /** {@code y = float(x)·W}: x of ONNX type {@code elemType} [batch, 4], y float32 [batch, 3]. */
    public static ModelProto typed(int elemType) {
        ModelBuilder m = new ModelBuilder();
        m.graph().addInput(ModelBuilder.valueInfo("x", elemType, -1, 4));
        m.output("y", -1, 3).random("W", 4, 0.5f, 4, 3);
        m.node("Cast", List.of("x"), List.of("xf"), intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
                .node("MatMul", List.of("xf", "W"), List.of("y"));
        return m.build();
    }

    /**
     * A float16 export: x float16 [batch, 4] → MatMul → Add → Relu → Cast(float) → Mul 2 → Cast(float16) →
     * MatMul → y float16 [batch, 3], weights stored as float16.
     */
    public static ModelProto float16Dense() {
        Random random = new Random(11);
        ModelBuilder m = new ModelBuilder();
        int half = TensorProto.DataType.FLOAT16_VALUE;
        m.graph().addInput(ModelBuilder.valueInfo("x", half, -1, 4));
        m.graph().addOutput(ModelBuilder.valueInfo("y", half, -1, 3));
        m.graph().addInitializer(halves("W1", random, 4, 8)).addInitializer(halves("b1", random, 8))
                .addInitializer(halves("W2", random, 8, 3));
        m.floats("two", new long[0], new float[] {2f});
        m.node("MatMul", List.of("x", "W1"), List.of("xw"))
                .node("Add", List.of("xw", "b1"), List.of("xwb"))
                .node("Relu", List.of("xwb"), List.of("r"))
                .node("Cast", List.of("r"), List.of("rf"), intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
                .node("Mul", List.of("rf", "two"), List.of("r2"))
                .node("Cast", List.of("r2"), List.of("r2h"), intAttribute("to", half))
                .node("MatMul", List.of("r2h", "W2"), List.of("y"));
        return m.build();
    }

    /** A float16 initializer (raw little-endian halves), values uniform in [-1, 1). */
    static TensorProto halves(String name, Random random, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        ByteBuffer raw = ByteBuffer.allocate((int) n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            raw.putShort(Float16.fromFloat(random.nextFloat() * 2 - 1));
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT16_VALUE).setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    public static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }
}
