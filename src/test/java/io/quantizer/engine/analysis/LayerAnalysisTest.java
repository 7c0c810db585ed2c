package io.quantizer.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.QuantizationPipeline;
import io.quantizer.engine.TestData;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.recipe.Accuracy;
import io.quantizer.engine.recipe.Analysis;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.AccuracySearch;
import io.quantizer.engine.report.LayerAnalysis;
import io.quantizer.engine.report.Summary;

/** The per-layer analysis and the accuracy search on a model with one planted bad layer. */
class LayerAnalysisTest {

    private static final int CALIBRATION = 64;
    private static final int EVALUATION = 200;

    @TempDir
    Path dir;
    private Path model;
    private Path calibration;
    private Path evaluation;

    @BeforeEach
    void files() throws Exception {
        model = dir.resolve("planted.onnx");
        Files.write(model, PlantedOutlierModel.build().toByteArray());
        Random random = new Random(5);
        calibration = new TestData().floats("x", TestData.uniform(random, CALIBRATION * 192, -1f, 1f),
                CALIBRATION, 3, 8, 8).write(dir.resolve("calib.npz"));
        float[] x = TestData.uniform(random, EVALUATION * 192, -1f, 1f);
        evaluation = new TestData().floats("x", x, EVALUATION, 3, 8, 8)
                .longs("label", PlantedOutlierModel.labels(model, x), EVALUATION).write(dir.resolve("eval.npz"));
    }

    @Test
    void findsThePlantedLayerAndRanksItFirst() throws Exception {
        Summary s = run(recipe(null, 32, 12)).summary();

        LayerAnalysis layers = s.layers();
        assertThat(layers).isNotNull();
        assertThat(layers.metric()).isEqualTo("top1");
        assertThat(layers.samples()).isEqualTo(32);
        assertThat(layers.groups()).isNotEmpty();
        assertThat(layers.extraForwardPasses()).isEqualTo((2L + layers.groups().size()) * 32);
        LayerAnalysis.Group first = layers.groups().get(0);
        assertThat(first.rank()).isEqualTo(1);
        assertThat(first.id()).isEqualTo(PlantedOutlierModel.BAD_NODE);
        assertThat(first.nodes()).contains("conv2", "relu2", "conv3");
        assertThat(first.sensitivity()).isGreaterThan(layers.groups().get(1).sensitivity());
        // the planted activation's own range is the worst one, and int8 there is far from fp32
        LayerAnalysis.TensorError r2 = layers.tensors().stream().filter(t -> t.tensor().equals("r2")).findFirst()
                .orElseThrow();
        assertThat(r2.producer()).isEqualTo("relu2");
        assertThat(layers.tensors()).allSatisfy(t -> {
            if (!t.tensor().equals("r2") && t.ownSqnrDb() != null) {
                assertThat(t.ownSqnrDb()).isGreaterThan(r2.ownSqnrDb());
            }
        });
        // its own cosine stays high (the outlier channel dominates it); the damage shows in what reads it
        assertThat(layers.tensors()).filteredOn(t -> t.tensor().equals("r3")).singleElement()
                .satisfies(t -> assertThat(t.cosine()).isLessThan(0.99));
        assertThat(s.accuracySearch()).isNull();
    }

    @Test
    void anAccuracyTargetPlainInt8MissesIsMetByReturningThePlantedGroup() throws Exception {
        Path out = dir.resolve("out/int8.onnx");
        Summary s = run(recipe(new Accuracy(null, 0.995, 5, 600), null, null), out).summary();

        AccuracySearch search = s.accuracySearch();
        assertThat(search.target()).isEqualTo(new AccuracySearch.Target("cosine", 0.995));
        assertThat(search.trials().get(0).meetsTarget()).isFalse();
        assertThat(search.trials().get(0).floatGroups()).isEmpty();
        assertThat(search.met()).isTrue();
        assertThat(search.stopReason()).isEqualTo("target-met");
        AccuracySearch.Trial returned = search.trials().get(search.returnedTrial());
        assertThat(search.returnedTrial()).isEqualTo(search.trials().size() - 1).isPositive();
        assertThat(returned.floatGroups()).contains(PlantedOutlierModel.BAD_NODE);
        assertThat(returned.cosine()).isGreaterThanOrEqualTo(0.995);
        assertThat(returned.latencyMsBatch1()).isPositive();
        // the artifact is the returned model, and the summary describes it
        assertThat(s.quantizedModel().sha256()).isEqualTo(sha256(out));
        assertThat(s.evaluation().outputs().get(0).cosine()).isEqualTo(returned.cosine());
        assertThat(s.nodes().keptFloat()).extracting(Summary.KeptFloat::name).contains("conv2", "conv3");
        ModelProto artifact = OnnxModels.load(out);
        assertThat(artifact.getGraph().getNodeList()).filteredOn(n -> n.getName().equals("conv2"))
                .singleElement().satisfies(n -> assertThat(n.getInput(1)).isEqualTo("w2"));
        assertThat(s.warnings()).noneMatch(w -> w.contains("NOT met"));
    }

    @Test
    void noTrialsReturnsThePlainModelAndSaysTheTargetWasNotMet() throws Exception {
        Summary s = run(recipe(new Accuracy(null, 0.995, 0, 600), null, null)).summary();

        AccuracySearch search = s.accuracySearch();
        assertThat(search.trials()).hasSize(1);
        assertThat(search.met()).isFalse();
        assertThat(search.returnedTrial()).isZero();
        assertThat(search.stopReason()).isEqualTo("max-trials");
        // the unusable model's warning comes first, the missed target right after it
        assertThat(s.warnings().get(0)).startsWith("The int8 model is unusable");
        assertThat(s.warnings().get(1)).contains("NOT met").contains("max-trials");
        assertThat(s.nodes().keptFloat()).extracting(Summary.KeptFloat::name).doesNotContain("conv2");
    }

    @Test
    void oneTrialReturnsTheBetterModelEvenWhenTheTargetStaysOutOfReach() throws Exception {
        Summary s = run(recipe(new Accuracy(null, 1.0, 1, 600), null, null)).summary();

        AccuracySearch search = s.accuracySearch();
        assertThat(search.trials()).hasSize(2);
        assertThat(search.met()).isFalse();
        assertThat(search.stopReason()).isEqualTo("max-trials");
        assertThat(search.trials().get(1).cosine()).isGreaterThan(search.trials().get(0).cosine());
        assertThat(search.returnedTrial()).isEqualTo(1);
        assertThat(s.evaluation().outputs().get(0).cosine()).isEqualTo(search.trials().get(1).cosine());
        assertThat(s.warnings()).anyMatch(w -> w.contains("NOT met"));
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }

    private static QuantizationRecipe recipe(Accuracy accuracy, Integer samples, Integer maxGroups) {
        return new QuantizationRecipe(null, null, null, null, null, null, null, null, null, null, null, null)
                .withAnalysis(new Analysis(null, samples, maxGroups)).withAccuracy(accuracy);
    }

    private io.quantizer.engine.report.QuantizationReport run(QuantizationRecipe recipe) throws Exception {
        return run(recipe, dir.resolve("out/int8.onnx"));
    }

    private io.quantizer.engine.report.QuantizationReport run(QuantizationRecipe recipe, Path out) throws Exception {
        EvaluationSettings fast = EvaluationSettings.defaults().withLatency(java.time.Duration.ofMillis(30), 5, 100);
        return new QuantizationPipeline(recipe, fast).run(new QuantizationPipeline.Inputs(model, calibration,
                evaluation, out, dir.resolve("work")), (stage, f) -> { });
    }
}
