package io.quantizer.engine.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.TestData;
import io.quantizer.engine.TinyModels;

class EvaluatorTest {

    private static final int SAMPLES = 200;
    private static final EvaluationSettings FAST = EvaluationSettings.defaults()
            .withLatency(Duration.ofMillis(20), 3, 50);

    @TempDir
    Path dir;
    private Path fp32;
    private float[] x;

    @BeforeEach
    void models() throws Exception {
        fp32 = write(TinyModels.classifier(), "fp32.onnx");
        x = TestData.uniform(new Random(2), SAMPLES * 64, 0f, 1f);
    }

    @Test
    void aModelComparedWithItselfIsPerfect() throws Exception {
        Path data = new TestData().floats("x", x, SAMPLES, 1, 8, 8).longs("label", TinyModels.classifierLabels(fp32, x), SAMPLES)
                .write(dir.resolve("eval.npz"));

        EvaluationResult r = new Evaluator(FAST).evaluate(fp32, Files.size(fp32), fp32, data,
                EvaluationResult.EVALUATION_SET, p -> { });

        assertThat(r.sampleCount()).isEqualTo(SAMPLES);
        assertThat(r.dataset()).isEqualTo("evaluation");
        assertThat(r.classificationOutput()).isEqualTo("logits");
        assertThat(r.fp32().top1()).isEqualTo(1.0);
        assertThat(r.quantized().top1()).isEqualTo(1.0);
        assertThat(r.fp32().top5()).isEqualTo(1.0);
        assertThat(r.top1Drop()).isZero();
        assertThat(r.argmaxAgreement()).isEqualTo(1.0);
        assertThat(r.outputs()).singleElement().satisfies(o -> {
            assertThat(o.cosine()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(o.sqnrDb()).isNull();
            assertThat(o.maxAbsError()).isZero();
        });
        assertThat(r.fp32().latencyMs().batch1().p50()).isPositive();
        assertThat(r.fp32().latencyMs().batchN().batchSize()).isEqualTo(64);
        assertThat(r.quantized().latencyMs().batchN().runs()).isGreaterThanOrEqualTo(3);
        assertThat(r.speedup()).isPositive();
        assertThat(r.speedupBatchN()).isPositive();
        assertThat(r.compressionRatio()).isEqualTo(1.0);
    }

    @Test
    void aPerturbedModelShowsItsErrorAndAccuracyIsAbsentWithoutLabels() throws Exception {
        Path perturbed = write(perturb(TinyModels.classifier(), 0.05f), "perturbed.onnx");
        Path data = new TestData().floats("x", x, SAMPLES, 1, 8, 8).write(dir.resolve("nolabels.npz"));

        EvaluationResult r = new Evaluator(FAST.withoutLatency().withMaxSamples(150)).evaluate(fp32, 123, perturbed,
                data, EvaluationResult.CALIBRATION_SET, p -> { });

        assertThat(r.sampleCount()).isEqualTo(150);
        assertThat(r.dataset()).isEqualTo("calibration");
        assertThat(r.fp32().top1()).isNull();
        assertThat(r.quantized().top5()).isNull();
        assertThat(r.top1Drop()).isNull();
        assertThat(r.argmaxAgreement()).isBetween(0.5, 1.0);
        OutputFidelity out = r.outputs().get(0);
        assertThat(out.cosine()).isBetween(0.9, 0.99999);
        assertThat(out.sqnrDb()).isBetween(5.0, 60.0);
        assertThat(out.maxAbsError()).isGreaterThan(out.meanAbsError()).isPositive();
        assertThat(r.fp32().latencyMs()).isNull();
        assertThat(r.speedup()).isNull();
        assertThat(r.fp32().sizeBytes()).isEqualTo(123);
    }

    @Test
    void fixedBatchOneModelsAreTimedAtBatchOneOnlyAndFewClassesHaveNoTopFive() throws Exception {
        Path dense = write(TinyModels.dense(1), "dense.onnx");
        float[] inputs = TestData.uniform(new Random(4), 40 * 4, -1f, 1f);
        Path data = new TestData().floats("x", inputs, 40, 4).longs("y", new long[40], 40)
                .write(dir.resolve("d.npz"));

        EvaluationResult r = new Evaluator(FAST).evaluate(dense, Files.size(dense), dense, data,
                EvaluationResult.EVALUATION_SET, p -> { });

        assertThat(r.fp32().latencyMs().batch1().batchSize()).isEqualTo(1);
        assertThat(r.fp32().latencyMs().batchN()).isNull();
        assertThat(r.speedupBatchN()).isNull();
        assertThat(r.fp32().top1()).isNotNull();
        assertThat(r.fp32().top5()).isNull();
        assertThat(r.top5Drop()).isNull();
    }

    private Path write(ModelProto model, String name) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, model.toByteArray());
        return file;
    }

    private static ModelProto perturb(ModelProto model, float noise) {
        Random random = new Random(99);
        ModelProto.Builder b = model.toBuilder();
        for (int i = 0; i < b.getGraph().getInitializerCount(); i++) {
            TensorProto.Builder t = b.getGraphBuilder().getInitializerBuilder(i);
            for (int j = 0; j < t.getFloatDataCount(); j++) {
                t.setFloatData(j, t.getFloatData(j) + (random.nextFloat() * 2 - 1) * noise);
            }
        }
        return b.build();
    }
}
