package io.quantizer.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.FeedModels;
import io.quantizer.engine.TinyModels;
import io.quantizer.engine.data.Float16;
import io.quantizer.engine.runtime.Ort;
import org.junit.jupiter.api.Test;

class Float16WideningTest {

    @Test
    void aFloat16ModelComputesInFloat32BehindFloat16BoundaryCasts() throws Exception {
        ModelProto half = FeedModels.float16Dense();
        List<String> notes = new ArrayList<>();

        ModelProto wide = Float16Widening.widen(half, notes);

        assertThat(notes).singleElement().asString().contains("float16", "[x]", "[y]");
        assertThat(wide.getGraph().getInitializerList()).extracting(TensorProto::getDataType)
                .containsOnly(DataType.FLOAT_VALUE);
        TensorProto w1 = half.getGraph().getInitializer(0);
        float[] widened = TensorData.floats(wide.getGraph().getInitializer(0));
        ShortBuffer bits = w1.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asShortBuffer();
        for (int i = 0; i < widened.length; i++) {
            assertThat(widened[i]).isEqualTo(Float16.toFloat(bits.get(i)));
        }
        assertThat(wide.getGraph().getInput(0).getType().getTensorType().getElemType())
                .isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(wide.getGraph().getOutput(0).getType().getTensorType().getElemType())
                .isEqualTo(DataType.FLOAT16_VALUE);
        List<NodeProto> nodes = wide.getGraph().getNodeList();
        NodeProto first = nodes.get(0);
        NodeProto last = nodes.get(nodes.size() - 1);
        assertThat(first.getOpType()).isEqualTo("Cast");
        assertThat(first.getInputList()).containsExactly("x");
        assertThat(Attributes.getInt(first, "to", 0)).isEqualTo(DataType.FLOAT_VALUE);
        assertThat(last.getOpType()).isEqualTo("Cast");
        assertThat(last.getOutputList()).containsExactly("y");
        assertThat(Attributes.getInt(last, "to", 0)).isEqualTo(DataType.FLOAT16_VALUE);
        // the interior cast to float16 now keeps float32; only the boundary reads x or writes y
        assertThat(nodes.subList(1, nodes.size() - 1)).allSatisfy(n -> {
            assertThat(n.getInputList()).doesNotContain("x");
            assertThat(n.getOutputList()).doesNotContain("y");
            if (n.getOpType().equals("Cast")) {
                assertThat(Attributes.getInt(n, "to", 0)).isEqualTo(DataType.FLOAT_VALUE);
            }
        });
        assertSameOutputs(half, wide);
    }

    @Test
    void aFloat32ModelIsLeftAlone() {
        ModelProto fp32 = TinyModels.classifier();
        List<String> notes = new ArrayList<>();

        assertThat(Float16Widening.widen(fp32, notes)).isSameAs(fp32);
        assertThat(notes).isEmpty();
    }

    /** Both take and return float16; the float32 interior rounds less, so they agree to float16 precision. */
    private static void assertSameOutputs(ModelProto half, ModelProto wide) throws Exception {
        short[] x = new short[4 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float16.fromFloat((i % 7) * 0.25f - 0.75f);
        }
        try (OrtSession a = Ort.environment().createSession(half.toByteArray());
             OrtSession b = Ort.environment().createSession(wide.toByteArray());
             OnnxTensor in = OnnxTensor.createTensor(Ort.environment(), ShortBuffer.wrap(x), new long[] {4, 4},
                     OnnxJavaType.FLOAT16);
             OrtSession.Result ra = a.run(Map.of("x", in));
             OrtSession.Result rb = b.run(Map.of("x", in))) {
            OnnxTensor ya = (OnnxTensor) ra.get(0);
            OnnxTensor yb = (OnnxTensor) rb.get(0);
            assertThat(yb.getInfo().type).isEqualTo(OnnxJavaType.FLOAT16);
            FloatBuffer fa = ya.getFloatBuffer();
            FloatBuffer fb = yb.getFloatBuffer();
            assertThat(fb.limit()).isEqualTo(12);
            for (int i = 0; i < fa.limit(); i++) {
                assertThat(fb.get(i)).isCloseTo(fa.get(i),
                        org.assertj.core.data.Offset.offset(0.01f + Math.abs(fa.get(i)) / 256));
            }
        }
    }
}
