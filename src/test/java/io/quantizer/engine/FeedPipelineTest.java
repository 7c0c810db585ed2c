package io.quantizer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.data.NumpyType;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.onnx.CorpusModels;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.runtime.Ort;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole engine runs on models fed beyond a float32 batch: a stateful model with constant inputs, a float16 export
 * (quantized with a float32 interior, keeping its float16 interface), and the corpus' Silero VAD when present.
 */
class FeedPipelineTest {

    private static final EvaluationSettings FAST = EvaluationSettings.defaults()
            .withLatency(Duration.ofMillis(20), 3, 20);
    private static final Map<String, BigDecimal> SILERO_CONSTANTS =
            Map.of("sr", new BigDecimal(16000), "state", BigDecimal.ZERO);

    @TempDir
    Path dir;

    private static QuantizationRecipe withConstants(Map<String, BigDecimal> constants) {
        return QuantizationRecipe.defaults().withConstantInputs(constants).withDefaults();
    }

    @Test
    void aStatefulModelIsCalibratedAndEvaluatedWithItsConstantInputs() throws Exception {
        Path model = dir.resolve("stateful.onnx");
        Files.write(model, FeedModels.stateful().toByteArray());
        Random random = new Random(5);
        Path calibration = new TestData().floats("input", TestData.uniform(random, 48 * FeedModels.FRAME, -1, 1), 48,
                FeedModels.FRAME).write(dir.resolve("calib.npz"));
        Path evaluation = new TestData().floats("input", TestData.uniform(random, 40 * FeedModels.FRAME, -1, 1), 40,
                FeedModels.FRAME).write(dir.resolve("eval.npz"));
        Path out = dir.resolve("stateful-int8.onnx");

        QuantizationReport report = new QuantizationPipeline(withConstants(SILERO_CONSTANTS), FAST).run(
                new QuantizationPipeline.Inputs(model, calibration, evaluation, out, dir.resolve("work")),
                (stage, f) -> { });

        assertThat(report.summary().evaluation().sampleCount()).isEqualTo(40);
        assertThat(report.summary().nodes().quantized()).anyMatch(n -> n.startsWith("MatMul"));
        OutputFidelity output = report.summary().evaluation().outputs().stream()
                .filter(o -> o.name().equals("output")).findFirst().orElseThrow();
        assertThat(output.cosine()).isGreaterThan(0.99);
        assertThat(output.maxAbsError()).isPositive(); // really quantized, and compared
        ModelProto int8 = OnnxModels.load(out);
        assertThat(int8.getGraph().getInputList()).extracting(ValueInfoProto::getName)
                .containsExactly("input", "state", "sr");
        assertThat(int8.getGraph().getNodeList()).extracting(NodeProto::getOpType).contains("QuantizeLinear");
    }

    @Test
    void aFloat16ModelIsQuantizedAndKeepsItsFloat16InputsAndOutputs() throws Exception {
        Path model = dir.resolve("half.onnx");
        Files.write(model, FeedModels.float16Dense().toByteArray());
        Random random = new Random(6);
        // calibration from float32 data (rounded on feeding), evaluation from float16 data
        Path calibration = new TestData().floats("x", TestData.uniform(random, 64 * 4, -1, 1), 64, 4)
                .write(dir.resolve("calib.npz"));
        double[] eval = new double[50 * 4];
        for (int i = 0; i < eval.length; i++) {
            eval[i] = random.nextDouble() * 2 - 1;
        }
        Path evaluation = new TestData().typed("x", NumpyType.FLOAT16, eval, 50, 4).write(dir.resolve("eval.npz"));
        Path out = dir.resolve("half-int8.onnx");

        QuantizationReport report = new QuantizationPipeline(QuantizationRecipe.defaults(), FAST).run(
                new QuantizationPipeline.Inputs(model, calibration, evaluation, out, dir.resolve("work")),
                (stage, f) -> { });

        assertThat(report.details().preprocessingNotes()).anyMatch(n -> n.contains("float16"));
        assertThat(report.summary().nodes().quantized()).anyMatch(n -> n.startsWith("MatMul"));
        assertThat(report.summary().evaluation().outputs()).singleElement().satisfies(y -> {
            assertThat(y.name()).isEqualTo("y");
            assertThat(y.cosine()).isGreaterThan(0.99);
        });
        ModelProto int8 = OnnxModels.load(out);
        assertThat(int8.getGraph().getInput(0).getType().getTensorType().getElemType())
                .isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(int8.getGraph().getOutput(0).getType().getTensorType().getElemType())
                .isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(int8.getGraph().getNodeList()).extracting(NodeProto::getOpType).contains("QuantizeLinear");
        assertCloseToTheFloat16Model(model, out);
    }

    /** The int8 model takes and returns float16 tensors, with values close to the user's float16 model's. */
    private static void assertCloseToTheFloat16Model(Path fp16, Path int8) throws Exception {
        short[] halves = new short[3 * 4];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = io.quantizer.engine.data.Float16.fromFloat((i % 5) * 0.3f - 0.6f);
        }
        try (OrtSession a = Ort.environment().createSession(fp16.toString());
             OrtSession b = Ort.environment().createSession(int8.toString());
             OnnxTensor x = OnnxTensor.createTensor(Ort.environment(), java.nio.ShortBuffer.wrap(halves),
                     new long[] {3, 4}, ai.onnxruntime.OnnxJavaType.FLOAT16);
             OrtSession.Result ra = a.run(Map.of("x", x));
             OrtSession.Result rb = b.run(Map.of("x", x))) {
            OnnxTensor ya = (OnnxTensor) ra.get(0);
            OnnxTensor yb = (OnnxTensor) rb.get(0);
            assertThat(yb.getInfo().type).isEqualTo(ai.onnxruntime.OnnxJavaType.FLOAT16);
            FloatBuffer fa = ya.getFloatBuffer();
            FloatBuffer fb = yb.getFloatBuffer();
            double scale = 0;
            for (int i = 0; i < fa.limit(); i++) {
                scale = Math.max(scale, Math.abs(fa.get(i)));
            }
            for (int i = 0; i < fa.limit(); i++) {
                assertThat((double) fb.get(i)).isCloseTo(fa.get(i), org.assertj.core.data.Offset.offset(0.05 * scale));
            }
        }
    }

    @Test
    void theCorpusSileroVadRunsThroughTheEngineWithConstantInputs() throws Exception {
        Path model = CorpusModels.sharedDir().resolve("corpus/models/silero_vad_16k_op15.onnx");
        Assumptions.assumeTrue(Files.isRegularFile(model), "corpus Silero VAD absent at " + model);
        Random random = new Random(8);
        int samples = 24;
        float[] audio = new float[samples * 512];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.3 * Math.sin(i * 2 * Math.PI * 220 / 16000) * ((i / 512) % 2)
                    + 0.01 * random.nextGaussian());
        }
        Path data = new TestData().floats("input", audio, samples, 512).write(dir.resolve("audio.npz"));
        Path out = dir.resolve("silero-int8.onnx");

        QuantizationReport report = new QuantizationPipeline(withConstants(SILERO_CONSTANTS), FAST).run(
                new QuantizationPipeline.Inputs(model, data, null, out, dir.resolve("work")), (stage, f) -> { });

        assertThat(report.summary().evaluation().sampleCount()).isEqualTo(samples);
        assertThat(report.summary().nodes().quantized()).isNotEmpty();
        assertThat(report.summary().evaluation().outputs()).filteredOn(o -> o.name().equals("output"))
                .singleElement().satisfies(o -> assertThat(o.cosine()).isGreaterThan(0.999));
        assertThat(report.summary().evaluation().outputs()).allSatisfy(o -> assertThat(o.cosine()).isGreaterThan(0.9));
        assertThat(Files.size(out)).isPositive();
    }
}
