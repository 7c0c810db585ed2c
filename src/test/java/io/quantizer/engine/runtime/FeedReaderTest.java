package io.quantizer.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.Map;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.FeedModels;
import io.quantizer.engine.TestData;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.data.NumpyFixtures;
import io.quantizer.engine.data.NumpyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the engine actually puts into the tensors it feeds: the data's values in the input's type, constants. */
class FeedReaderTest {

    @TempDir
    Path dir;

    @Test
    void int32DataIsFedAsStoredWhateverItsByteOrder() throws Exception {
        double[] values = {1, -2, 3, 70000, 5, 6, -7, 8};
        Path data = NumpyFixtures.npz(dir.resolve("be.npz"), Map.of("x.npy",
                NumpyFixtures.npy(NumpyType.INT32, ByteOrder.BIG_ENDIAN, values, 2, 4)), false);

        try (OrtSession session = Ort.environment().createSession(FeedModels.typed(DataType.INT32_VALUE)
                .toByteArray());
             NumpyDataset ds = NumpyDataset.open(data);
             FeedReader reader = new FeedReader(ds, ModelFeed.bind(session.getInputInfo(), ds.description()), 2,
                     Long.MAX_VALUE, null);
             FeedReader.Batch batch = reader.next(2)) {
            OnnxTensor x = batch.inputs().get("x");
            assertThat(x.getInfo().getShape()).containsExactly(2, 4);
            IntBuffer fed = x.getIntBuffer();
            for (int i = 0; i < values.length; i++) {
                assertThat(fed.get(i)).isEqualTo((int) values[i]);
            }
            session.run(batch.inputs()).close();
        }
    }

    @Test
    void float32DataForAFloat16InputIsRoundedToFloat16() throws Exception {
        float[] values = {0.1f, 1f / 3, 65504f, -2.5f, 1e-6f, 0f, 1000.3f, -0.0001f};
        Path data = new TestData().floats("x", values, 2, 4).write(dir.resolve("f32.npz"));

        try (OrtSession session = Ort.environment().createSession(FeedModels.typed(DataType.FLOAT16_VALUE)
                .toByteArray());
             NumpyDataset ds = NumpyDataset.open(data);
             FeedReader reader = new FeedReader(ds, ModelFeed.bind(session.getInputInfo(), ds.description()), 2,
                     Long.MAX_VALUE, null);
             FeedReader.Batch batch = reader.next(2)) {
            FloatBuffer fed = batch.inputs().get("x").getFloatBuffer();
            for (int i = 0; i < values.length; i++) {
                assertThat(fed.get(i)).as("value %s", values[i]).isCloseTo(values[i],
                        org.assertj.core.data.Offset.offset(Math.max(6e-8f, Math.abs(values[i]) / 1024)));
            }
            assertThat(fed.get(2)).isEqualTo(65504f);
            session.run(batch.inputs()).close();
        }
    }

    @Test
    void constantsFillTheirInputsInEveryRun() throws Exception {
        Path data = new TestData().floats("input", new float[3 * FeedModels.FRAME], 3, FeedModels.FRAME)
                .write(dir.resolve("audio.npz"));
        Map<String, BigDecimal> constants = Map.of("sr", new BigDecimal(16000), "state", new BigDecimal("0.25"));

        try (OrtSession session = Ort.environment().createSession(FeedModels.stateful().toByteArray());
             NumpyDataset ds = NumpyDataset.open(data);
             FeedReader reader = new FeedReader(ds, ModelFeed.bind(session.getInputInfo(), ds.description(),
                     constants), 8, Long.MAX_VALUE, null)) {
            assertThat(reader.maxBatch()).isEqualTo(1);
            int runs = 0;
            while (reader.remaining() > 0) {
                try (FeedReader.Batch batch = reader.next(8)) {
                    assertThat(batch.inputs().get("sr").getInfo().getShape()).isEmpty();
                    assertThat(batch.inputs().get("sr").getLongBuffer().get(0)).isEqualTo(16000);
                    OnnxTensor state = batch.inputs().get("state");
                    assertThat(state.getInfo().getShape()).containsExactly(2, 1, FeedModels.CHANNELS);
                    assertThat(batch.floatInputs().get("state").get(2 * FeedModels.CHANNELS - 1)).isEqualTo(0.25f);
                    session.run(batch.inputs()).close();
                    runs++;
                }
            }
            assertThat(runs).isEqualTo(3);
        }
    }

    @Test
    void theEngineRefusesWhatTheRuleRefusesNamingTheTensor() throws Exception {
        Path data = new TestData().floats("input", new float[3 * FeedModels.FRAME], 3, FeedModels.FRAME)
                .write(dir.resolve("audio.npz"));
        try (OrtSession session = Ort.environment().createSession(FeedModels.stateful().toByteArray());
             NumpyDataset ds = NumpyDataset.open(data)) {
            assertThatThrownBy(() -> ModelFeed.bind(session.getInputInfo(), ds.description(),
                    Map.of("sr", new BigDecimal("16000.5"), "state", BigDecimal.ZERO)))
                    .isInstanceOf(EngineInputException.class).hasMessageContaining("'sr' = 16000.5")
                    .hasMessageContaining("not a whole number");
        }
    }
}
