package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.FeedModels;
import io.quantizer.engine.TestData;
import io.quantizer.engine.TinyModels;
import io.quantizer.engine.data.DatasetDescription;
import io.quantizer.engine.data.NpzLimits;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.data.NumpyType;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;
import io.quantizer.engine.runtime.Ort;
import io.quantizer.model.onnx.OnnxMetadataReader;
import io.quantizer.model.onnx.OnnxModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submit check and the engine give the same verdict on the same model, data set and constants: the API from
 * the stored signature and data set description, the engine from ONNX Runtime's view of the loaded model. Where
 * both accept, the engine really runs the first batch.
 */
class FeedAgreementTest {

    private static final Map<String, BigDecimal> NONE = Map.of();
    private static final Map<String, BigDecimal> SILERO_CONSTANTS =
            Map.of("sr", new BigDecimal(16000), "state", BigDecimal.ZERO);

    @TempDir
    Path dir;

    private record Verdict(boolean feedable, String messages) {
    }

    private record Case(String name, ModelProto model, Path data, Map<String, BigDecimal> constants,
                        boolean feedable, String mentions) {
    }

    @Test
    void theSubmitCheckAndTheEngineAgree() throws Exception {
        Random random = new Random(3);
        int n = 6;
        Path audio = new TestData().floats("input", TestData.uniform(random, n * FeedModels.FRAME, -1, 1), n,
                FeedModels.FRAME).write(dir.resolve("audio.npz"));
        Path audioStateSr = new TestData().floats("input", TestData.uniform(random, n * FeedModels.FRAME, -1, 1), n,
                        FeedModels.FRAME)
                .floats("state", new float[n * 2 * FeedModels.CHANNELS], n, 2, 1, FeedModels.CHANNELS)
                .longs("sr", new long[] {16000, 8000, 16000, 8000, 16000, 8000}, n)
                .write(dir.resolve("audio-state-sr.npz"));
        Path audioWithSr = new TestData().floats("input", new float[n * FeedModels.FRAME], n, FeedModels.FRAME)
                .longs("sr", new long[n], n).write(dir.resolve("audio-sr.npz"));
        Path wrongFrame = new TestData().floats("input", new float[n * 32], n, 32).write(dir.resolve("frame32.npz"));
        Path dense4 = new TestData().floats("x", TestData.uniform(random, 16 * 4, 0, 1), 16, 4)
                .write(dir.resolve("dense.npz"));
        Path ints32 = typed(NumpyType.INT32, "int32.npz");
        Path ints64 = typed(NumpyType.INT64, "int64.npz");
        Path bools = typed(NumpyType.BOOL, "bool.npz");
        Path uint8 = typed(NumpyType.UINT8, "uint8.npz");
        Path halves = typed(NumpyType.FLOAT16, "float16.npz");
        Path floats = typed(NumpyType.FLOAT32, "float32.npz");
        Path doubles = typed(NumpyType.FLOAT64, "float64.npz");

        List<Case> cases = List.of(
                new Case("dynamic batch", TinyModels.dense(-1), dense4, NONE, true, null),
                new Case("fixed batch 1", TinyModels.dense(1), dense4, NONE, true, null),
                new Case("fixed batch 8", TinyModels.dense(8), dense4, NONE, false, "fixed batch of 8"),
                new Case("stateful with constants", FeedModels.stateful(), audio, SILERO_CONSTANTS, true, null),
                new Case("stateful from data", FeedModels.stateful(), audioStateSr, NONE, true, null),
                new Case("stateful without constants", FeedModels.stateful(), audio, NONE, false, "'state'"),
                new Case("non-integral sr", FeedModels.stateful(), audio,
                        Map.of("sr", new BigDecimal("16000.5"), "state", BigDecimal.ZERO), false, "not a whole number"),
                new Case("unknown constant", FeedModels.stateful(), audio,
                        Map.of("sr", BigDecimal.TEN, "state", BigDecimal.ZERO, "rate", BigDecimal.ONE), false,
                        "'rate'"),
                new Case("constant also in data", FeedModels.stateful(), audioWithSr, SILERO_CONSTANTS, false,
                        "both as an array"),
                new Case("wrong frame", FeedModels.stateful(), wrongFrame, SILERO_CONSTANTS, false,
                        "dimension 1 is 32 in the data but 64 in the model"),
                new Case("int32", FeedModels.typed(DataType.INT32_VALUE), ints32, NONE, true, null),
                new Case("int32 from int64", FeedModels.typed(DataType.INT32_VALUE), ints64, NONE, false,
                        "int32 expected, int64 given"),
                new Case("int64", FeedModels.typed(DataType.INT64_VALUE), ints64, NONE, true, null),
                new Case("bool", FeedModels.typed(DataType.BOOL_VALUE), bools, NONE, true, null),
                new Case("uint8", FeedModels.typed(DataType.UINT8_VALUE), uint8, NONE, true, null),
                new Case("float64", FeedModels.typed(DataType.DOUBLE_VALUE), doubles, NONE, true, null),
                new Case("float16", FeedModels.typed(DataType.FLOAT16_VALUE), halves, NONE, true, null),
                new Case("float16 from float32", FeedModels.typed(DataType.FLOAT16_VALUE), floats, NONE, true, null),
                new Case("float16 from float64", FeedModels.typed(DataType.FLOAT16_VALUE), doubles, NONE, false,
                        "float16 or float32 expected"),
                new Case("uint16", FeedModels.typed(DataType.UINT16_VALUE), typed(NumpyType.UINT16, "u16.npz"), NONE,
                        false, "element type uint16"));

        List<String> disagreements = new ArrayList<>();
        for (Case c : cases) {
            Verdict api = submitCheck(c);
            Verdict engine = engine(c);
            if (api.feedable() != engine.feedable() || !api.messages().equals(engine.messages())) {
                disagreements.add(c.name() + ": API " + api + " / engine " + engine);
            }
            assertThat(engine.feedable()).as(c.name() + ": " + engine.messages()).isEqualTo(c.feedable());
            if (c.mentions() != null) {
                assertThat(engine.messages()).as(c.name()).contains(c.mentions());
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private Path typed(NumpyType type, String file) throws Exception {
        double[] values = new double[12 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = type == NumpyType.BOOL ? i % 2 : i % 7;
        }
        return new TestData().typed("x", type, values, 12, 4).write(dir.resolve(file));
    }

    /** The API's verdict: stored metadata through {@link InputCompatibility}. */
    private static Verdict submitCheck(Case c) throws Exception {
        OnnxModelInfo info = new OnnxMetadataReader().read(new ByteArrayInputStream(c.model().toByteArray()));
        ModelFacts model = new ModelFacts(UUID.randomUUID(), "m.onnx", "k",
                info.inputs().stream().map(s -> new TensorSpec(s.name(), s.elementType(), s.shape())).toList(),
                info.outputs().stream().map(s -> new TensorSpec(s.name(), s.elementType(), s.shape())).toList());
        DatasetDescription d = NumpyDataset.inspect(c.data(), NpzLimits.DEFAULTS);
        DatasetFacts data = new DatasetFacts(UUID.randomUUID(), "k", "npz", d.sampleCount(), d.tensors().stream()
                .map(t -> new TensorSpec(t.name(), t.elementType().numpyName(), t.shape())).toList(), d.labelTensor());
        List<InputCompatibility.Problem> problems = InputCompatibility.inputs(model, data, "calibrationDatasetId",
                c.constants());
        return new Verdict(problems.isEmpty(),
                String.join("; ", problems.stream().map(InputCompatibility.Problem::message).toList()));
    }

    /** The engine's verdict: ONNX Runtime's view of the model; when it feeds, one real run of the first batch. */
    private static Verdict engine(Case c) throws Exception {
        try (OrtSession session = Ort.environment().createSession(c.model().toByteArray());
             NumpyDataset data = NumpyDataset.open(c.data())) {
            ModelFeed feed;
            try {
                feed = ModelFeed.bind(session.getInputInfo(), data.description(), c.constants());
            } catch (EngineInputException e) {
                return new Verdict(false, e.getMessage());
            }
            try (FeedReader reader = new FeedReader(data, feed, 4, Long.MAX_VALUE, null);
                 FeedReader.Batch batch = reader.next(4);
                 OrtSession.Result result = session.run(batch.inputs())) {
                assertThat(result.size()).as(c.name()).isPositive();
            }
            return new Verdict(true, "");
        }
    }
}
