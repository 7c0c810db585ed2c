package io.quantizer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.quantize.AttentionMaskTest;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Calibration;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;
import io.quantizer.engine.report.Quality;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.ReportWriter;
import io.quantizer.engine.report.Summary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The whole pipeline on a classifier built in code: runs everywhere, no shared files needed. */
class QuantizationPipelineTest {

    static final EvaluationSettings FAST = EvaluationSettings.defaults().withLatency(Duration.ofMillis(30), 5, 100);
    private static final int CALIBRATION = 128;
    private static final int EVALUATION = 400;

    @TempDir
    Path dir;
    private Path model;
    private Path calibration;
    private Path evaluation;

    @BeforeEach
    void files() throws Exception {
        model = dir.resolve("classifier.onnx");
        Files.write(model, TinyModels.classifier().toByteArray());
        Random random = new Random(12);
        calibration = new TestData().floats("x", TestData.uniform(random, CALIBRATION * 64, 0f, 1f),
                CALIBRATION, 1, 8, 8).write(dir.resolve("calib.npz"));
        float[] x = TestData.uniform(random, EVALUATION * 64, 0f, 1f);
        evaluation = new TestData().floats("x", x, EVALUATION, 1, 8, 8).longs("label", TinyModels.classifierLabels(model, x), EVALUATION)
                .write(dir.resolve("eval.npz"));
    }

    @Test
    void quantizesEvaluatesAndReportsAClassifier() throws Exception {
        List<Double> progress = new ArrayList<>();
        Path out = dir.resolve("out/int8.onnx");

        QuantizationReport report = new QuantizationPipeline(QuantizationRecipe.defaults(), FAST)
                .run(new QuantizationPipeline.Inputs(model, calibration, evaluation, out, dir.resolve("work")),
                        (stage, f) -> progress.add(f));

        Summary s = report.summary();
        assertThat(s.quantizedModel().sizeBytes()).isEqualTo(Files.size(out));
        assertThat(s.quantizedModel().sha256()).isEqualTo(QuantizationPipeline.sha256(out)).hasSize(64);
        assertThat(s.evaluation().dataset()).isEqualTo("evaluation");
        assertThat(s.evaluation().sampleCount()).isEqualTo(EVALUATION);
        assertThat(s.evaluation().fp32().top1()).isEqualTo(1.0); // labels are the fp32 model's own answers
        assertThat(s.evaluation().quantized().top1()).isGreaterThanOrEqualTo(0.95);
        assertThat(s.evaluation().argmaxAgreement()).isGreaterThanOrEqualTo(0.95);
        assertThat(s.evaluation().outputs().get(0).cosine()).isGreaterThanOrEqualTo(0.99);
        assertThat(s.evaluation().fp32().sizeBytes()).isEqualTo(Files.size(model));
        assertThat(s.evaluation().quantized().latencyMs().batchN().batchSize()).isEqualTo(64);
        assertThat(s.nodes().quantized()).isNotEmpty();
        assertThat(s.quality().verdict()).isEqualTo(Quality.Verdict.GOOD);
        assertThat(s.quality().reasons()).isEmpty();
        assertThat(s.warnings()).noneSatisfy(w -> assertThat(w).contains("unusable"));
        assertThat(s.stageSeconds().calibration()).isPositive();
        assertThat(s.machine().logicalProcessors()).isPositive();
        assertThat(report.details().tensors()).anySatisfy(t -> assertThat(t.kind()).isEqualTo("weight"));
        assertThat(report.details().tensors()).anySatisfy(t -> {
            assertThat(t.kind()).isEqualTo("activation");
            assertThat(t.calibrationMethod()).isEqualTo("minmax");
        });
        assertThat(report.details().calibration().sampleCount()).isEqualTo(CALIBRATION);
        assertThat(progress).isSorted().last().isEqualTo(1.0);

        Path json = dir.resolve("report.json");
        ReportWriter.write(report, json);
        JsonNode tree = JsonMapper.builder().build().readTree(json.toFile());
        JsonNode evaluationNode = tree.get("summary").get("evaluation");
        assertThat(evaluationNode.get("fp32").get("latencyMs").get("batch1").get("p50").isNumber()).isTrue();
        assertThat(evaluationNode.get("top1Drop").isNumber()).isTrue();
        assertThat(tree.get("summary").get("quantizedModel").get("sha256").asString()).hasSize(64);
        assertThat(tree.get("details").get("recipe").get("activationType").asString()).isEqualTo("uint8");
    }

    @Test
    void withoutAnEvaluationSetTheCalibrationInputsAreComparedAndSaidSo() throws Exception {
        QuantizationRecipe entropy = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(CalibrationMethod.ENTROPY, null, null, null, null), null, null);
        QuantizationReport report = new QuantizationPipeline(entropy, FAST.withoutLatency())
                .run(new QuantizationPipeline.Inputs(model, calibration, null, dir.resolve("int8.onnx"),
                        dir.resolve("work")), (stage, f) -> { });

        Summary s = report.summary();
        assertThat(s.evaluation().dataset()).isEqualTo("calibration");
        assertThat(s.evaluation().sampleCount()).isEqualTo(CALIBRATION);
        assertThat(s.evaluation().fp32().top1()).isNull();
        assertThat(s.evaluation().top1Drop()).isNull();
        assertThat(s.evaluation().argmaxAgreement()).isNotNull();
        assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("No evaluation set"));
        assertThat(report.details().tensors()).anySatisfy(t -> assertThat(t.calibrationMethod()).isEqualTo("entropy"));
    }

    @Test
    void aRecipeThatWrecksTheModelSaysSoFirstAndNamesTheFix() throws Exception {
        // a 10th-percentile range clips nine tenths of every activation: the model runs, and is worthless
        QuantizationRecipe clipping = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(CalibrationMethod.PERCENTILE, 10.0, null, null, null), null, null);
        QuantizationReport report = new QuantizationPipeline(clipping, FAST.withoutLatency())
                .run(new QuantizationPipeline.Inputs(model, calibration, evaluation, dir.resolve("int8.onnx"),
                        dir.resolve("work")), (stage, f) -> { });

        Summary s = report.summary();
        assertThat(s.quality().verdict()).isEqualTo(Quality.Verdict.UNUSABLE);
        assertThat(s.quality().reasons()).anySatisfy(r -> assertThat(r).contains("cosine").contains("below 0.90"));
        assertThat(s.warnings().get(0)).startsWith("The int8 model is unusable: ")
                .contains("percentile calibration").contains("set calibration.method to minmax");
        JsonNode json = JsonMapper.builder().build().readTree(ReportWriter.toJson(report));
        assertThat(json.at("/summary/quality/verdict").asString()).isEqualTo("unusable");
    }

    @ParameterizedTest
    @EnumSource(CalibrationMethod.class)
    void causalAttentionMaskedWithFltMaxComesOutGoodWhateverTheCalibration(CalibrationMethod method) throws Exception {
        // the real calibrator sees -FLT_MAX in the masked scores: no infinite range, no wrecked Softmax
        Path attention = dir.resolve("attention.onnx");
        Files.write(attention, AttentionMaskTest.causalAttention("where", -Float.MAX_VALUE).toByteArray());
        Path x = new TestData().floats("x", TestData.uniform(new Random(5), 32 * 8 * 16, -2f, 2f), 32, 8, 16)
                .write(dir.resolve("attention.npz"));
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(method, null, null, null, null), null, null);
        QuantizationReport report = new QuantizationPipeline(recipe, FAST.withoutLatency())
                .run(new QuantizationPipeline.Inputs(attention, x, x, dir.resolve("attention-int8.onnx"),
                        dir.resolve("work")), (stage, f) -> { });

        Summary s = report.summary();
        assertThat(s.quality().verdict()).as(s.quality().reasons().toString()).isEqualTo(Quality.Verdict.GOOD);
        assertThat(s.evaluation().outputs().get(0).cosine()).isGreaterThanOrEqualTo(0.99);
        assertThat(s.nodes().keptFloat()).anySatisfy(k -> {
            assertThat(k.opType()).isEqualTo("Softmax");
            assertThat(k.reason()).contains("FLT_MAX");
        });
        report.details().tensors().forEach(t -> {
            for (float scale : t.scales()) {
                assertThat(scale).as(t.name()).isFinite();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(CalibrationMethod.class)
    void paddedAttentionMaskComesOutGoodWhateverTheCalibration(CalibrationMethod method) throws Exception {
        // (1 - mask) · -10000 added to the scores, the mask an input with one to three padded positions per row
        Path attention = dir.resolve("padded.onnx");
        Files.write(attention, AttentionMaskTest.paddedAttention().toByteArray());
        int n = 32;
        float[] mask = new float[n * 8];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 8; j++) {
                mask[i * 8 + j] = j < 7 - i % 3 ? 1f : 0f;
            }
        }
        Path data = new TestData().floats("x", TestData.uniform(new Random(6), n * 8 * 16, -2f, 2f), n, 8, 16)
                .floats("attention_mask", mask, n, 1, 8).write(dir.resolve("padded.npz"));
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(method, null, null, null, null), null, null);
        QuantizationReport report = new QuantizationPipeline(recipe, FAST.withoutLatency())
                .run(new QuantizationPipeline.Inputs(attention, data, data, dir.resolve("padded-int8.onnx"),
                        dir.resolve("work")), (stage, f) -> { });

        Summary s = report.summary();
        assertThat(s.quality().verdict()).as(s.quality().reasons().toString()).isEqualTo(Quality.Verdict.GOOD);
        assertThat(s.nodes().keptFloat()).anySatisfy(k -> assertThat(k.opType()).isEqualTo("Softmax"));
    }

    @Test
    void anUnusableRecipeIsAnInputError() {
        QuantizationRecipe bad = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(CalibrationMethod.PERCENTILE, 120.0, null, null, null), null, null);
        assertThatThrownBy(() -> new QuantizationPipeline(bad, FAST))
                .isInstanceOf(EngineInputException.class).hasMessageContaining("percentile");
    }
}
