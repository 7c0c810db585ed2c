package io.quantizer.engine.onnx;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class TensorDataTest {

    @Test
    void readsFloatsFromLittleEndianRawDataFloatDataAndDoubleData() {
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        TensorProto fromRaw = TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(2)
                .setRawData(ByteString.copyFrom(raw.array())).build();
        TensorProto fromField = TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(2)
                .addFloatData(1.5f).addFloatData(-2f).build();
        TensorProto fromDouble = TensorProto.newBuilder().setDataType(DataType.DOUBLE_VALUE).addDims(2)
                .addDoubleData(1.5).addDoubleData(-2).build();

        assertThat(TensorData.floats(fromRaw)).containsExactly(1.5f, -2f);
        assertThat(TensorData.floats(fromField)).containsExactly(1.5f, -2f);
        assertThat(TensorData.floats(fromDouble)).containsExactly(1.5f, -2f);
        assertThat(raw.array()[3]).as("little-endian: sign/exponent byte last").isEqualTo((byte) 0x3f);
    }

    @Test
    void readsIntegersAndRoundTripsWhatItWrites() {
        TensorProto int64 = TensorData.int64Tensor("s", new long[] {3}, new long[] {1, -2, Long.MAX_VALUE});
        assertThat(TensorData.longs(int64)).containsExactly(1, -2, Long.MAX_VALUE);
        TensorProto int32 = TensorProto.newBuilder().setDataType(DataType.INT32_VALUE).addDims(2).addInt32Data(7)
                .addInt32Data(-8).build();
        assertThat(TensorData.longs(int32)).containsExactly(7, -8);
        TensorProto bytes = TensorData.byteTensor("q", new long[] {3}, DataType.UINT8, new int[] {0, 128, 255});
        assertThat(bytes.getRawData().toByteArray()).containsExactly((byte) 0, (byte) 128, (byte) 255);
        assertThat(TensorData.floats(TensorData.floatTensor("f", new long[] {2, 1}, new float[] {3f, 4f})))
                .containsExactly(3f, 4f);
    }

    @Test
    void refusesDataThatDoesNotMatchTheShapeOrType() {
        TensorProto shortRaw = TensorProto.newBuilder().setName("w").setDataType(DataType.FLOAT_VALUE).addDims(3)
                .setRawData(ByteString.copyFrom(new byte[8])).build();
        assertThatThrownBy(() -> TensorData.floats(shortRaw)).hasMessageContaining("'w' has 8 raw bytes, expected 12");
        TensorProto ints = TensorData.int64Tensor("i", new long[] {1}, new long[] {1});
        assertThatThrownBy(() -> TensorData.floats(ints)).hasMessageContaining("expected FLOAT or DOUBLE");
        TensorProto external = shortRaw.toBuilder().setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
        assertThatThrownBy(() -> TensorData.floats(external)).hasMessageContaining("external file");
    }

    @Test
    void graphIndexSeesProducersConsumersSubgraphReadsAndInfersElementTypes() {
        GraphProto branch = new ModelBuilder().output("o").node("inner", "Neg", names("a"), names("o")).graph().build();
        GraphProto graph = new ModelBuilder().input("x", 1, 4).output("y")
                .floats("w", new long[] {4, 4}, new float[16])
                .node("mm", "MatMul", names("x", "w"), names("a"))
                .node("shape", "Shape", names("a"), names("s"))
                .node("cast", "Cast", names("s"), names("sf"), AttributeProto.newBuilder().setName("to")
                        .setType(AttributeProto.AttributeType.INT).setI(DataType.FLOAT_VALUE).build())
                .node("cond", "Greater", names("x", "x"), names("c"))
                .node("if", "If", names("c"), names("y"), AttributeProto.newBuilder().setName("then_branch")
                        .setType(AttributeProto.AttributeType.GRAPH).setG(branch).build())
                .graph().build();
        GraphIndex index = new GraphIndex(graph);

        assertThat(index.producer("a")).isZero();
        assertThat(index.producer("x")).isEqualTo(-1);
        assertThat(index.consumers("a")).containsExactlyInAnyOrder(1, 4);
        assertThat(index.isReadBySubgraph("a")).isTrue();
        assertThat(index.constant("w")).isNotNull();
        assertThat(index.isFloat("a")).isTrue();
        assertThat(index.elementType("s")).isEqualTo(DataType.INT64_VALUE);
        assertThat(index.isFloat("sf")).isTrue();
        assertThat(index.elementType("c")).isEqualTo(DataType.BOOL_VALUE);
    }

    @Test
    void uniqueNamesAvoidEveryNameIncludingSubgraphOnes() {
        GraphProto branch = new ModelBuilder().output("o").node("inner", "Neg", names("a"), names("t_scale")).graph().build();
        GraphProto graph = new ModelBuilder().input("t", 1).output("y")
                .node("if", "If", names("t"), names("y"), AttributeProto.newBuilder().setName("then_branch")
                        .setType(AttributeProto.AttributeType.GRAPH).setG(branch).build())
                .graph().build();
        UniqueNames names = new UniqueNames(graph);
        assertThat(names.fresh("t_scale")).isEqualTo("t_scale_2");
        assertThat(names.fresh("t_scale")).isEqualTo("t_scale_3");
        assertThat(names.fresh("fresh")).isEqualTo("fresh");
        assertThat(names.isTaken("fresh")).isTrue();
    }
}
