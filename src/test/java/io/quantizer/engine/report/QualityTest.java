package io.quantizer.engine.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.calibration.TensorStatistics;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.ModelMetrics;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.QuantType;

class QualityTest {

    private static EvaluationResult evaluation(double cosine, Double fp32Top1, Double int8Top1, Double agreement) {
        Double drop = fp32Top1 == null ? null : fp32Top1 - int8Top1;
        return new EvaluationResult(100, EvaluationResult.EVALUATION_SET, new ModelMetrics(fp32Top1, null, null, 10),
                new ModelMetrics(int8Top1, null, null, 3), drop, null, agreement,
                List.of(new OutputFidelity("logits", cosine, 20.0, 0.1, 0.5)), null, null, 3.3, "logits");
    }

    @Test
    void thresholdsSplitGoodDegradedAndUnusable() {
        assertThat(Quality.of(evaluation(0.999, 0.9, 0.895, 0.995)).verdict()).isEqualTo(Quality.GOOD);
        assertThat(Quality.of(evaluation(0.98, 0.9, 0.9, 1.0)).verdict()).isEqualTo(Quality.DEGRADED);
        assertThat(Quality.of(evaluation(0.999, 0.9, 0.88, 1.0)).reasons()).singleElement().asString()
                .contains("2.00 points");
        assertThat(Quality.of(evaluation(0.999, 0.9, 0.84, 1.0)).verdict()).isEqualTo(Quality.UNUSABLE);
        assertThat(Quality.of(evaluation(0.899, null, null, null)).verdict()).isEqualTo(Quality.UNUSABLE);
        assertThat(Quality.of(evaluation(Double.NaN, null, null, null)).verdict()).isEqualTo(Quality.UNUSABLE);
    }

    @Test
    void theWarningNamesEveryRecipeCauseWithItsFix() {
        Quality wrecked = Quality.of(evaluation(0.7, null, null, null));
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, QuantType.INT8, null, false, true,
                new QuantizationRecipe.Calibration(QuantizationRecipe.CalibrationMethod.ENTROPY, null, null, null,
                        null), null, null).withDefaults();
        Map<String, TensorStatistics> stats = Map.of("a", new TensorStatistics("entropy", 100, 0, -5, 5,
                new TensorRange(-1, 1), 0.2));
        String warning = wrecked.warning(recipe, stats, List.of(), List.of("Conv"));
        assertThat(warning).startsWith("The int8 model is unusable: output 'logits' has cosine 0.7000")
                .contains("set symmetricActivations to false").contains("set calibration.method to minmax")
                .contains("set activationType to uint8").contains("set perChannel to true");
    }

    @Test
    void withTheDefaultRecipeItPointsAtTheWidestActivationsAndTheOpTypes() {
        Quality wrecked = Quality.of(evaluation(0.5, null, null, null));
        List<TensorReport> tensors = List.of(tensor("narrow", 0, 1), tensor("scores", -1e9f, 10), tensor("mid", 0, 6));
        String warning = wrecked.warning(QuantizationRecipe.defaults(), Map.of(), tensors,
                List.of("MatMul", "Softmax", "MatMul"));
        assertThat(warning).contains("'scores' [-1.000e+09, 10.00], 'mid'").contains("MatMul ×2, Softmax ×1")
                .contains("excludeOpTypes");
    }

    private static TensorReport tensor(String name, float min, float max) {
        return new TensorReport(name, "activation", "uint8", min, max, new float[] {1}, new int[] {0}, null,
                "minmax", min, max, 0.0);
    }
}
