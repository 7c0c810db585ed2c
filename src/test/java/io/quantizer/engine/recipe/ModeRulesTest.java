package io.quantizer.engine.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quantizer.engine.recipe.QuantizationRecipe.Mode;
import io.quantizer.engine.recipe.QuantizationRecipe.QuantType;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnly;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnlyAlgorithm;

class ModeRulesTest {

    private static QuantizationRecipe of(Mode mode, QuantType activations, Boolean symmetric, WeightOnly weightOnly) {
        return new QuantizationRecipe(mode, null, activations, null, null, symmetric, null, null, null, null, null,
                null).withWeightOnly(weightOnly);
    }

    @Test
    void weightOnlyGetsItsDefaultsAndTheOtherModesNone() {
        QuantizationRecipe w = of(Mode.WEIGHT_ONLY, null, null, null).withDefaults();
        assertThat(w.weightOnly()).isEqualTo(new WeightOnly(4, 32, WeightOnlyAlgorithm.HQQ, 0));
        assertThat(w.validate()).isEmpty();
        assertThat(w.needsCalibration()).isFalse();
        assertThat(w.precisionLabel()).isEqualTo("int4");
        assertThat(QuantizationRecipe.defaults().weightOnly()).isNull();
        assertThat(QuantizationRecipe.defaults().needsCalibration()).isTrue();
        assertThat(of(Mode.FP16, null, null, null).withDefaults().precisionLabel()).isEqualTo("fp16");
        // a recipe with its defaults filled in is still valid: the engine validates what the service stored
        assertThat(w.withDefaults().validate()).isEmpty();
        assertThat(of(Mode.DYNAMIC, null, null, null).withDefaults().validate()).isEmpty();
    }

    @Test
    void refusesWhatAModeCannotHonour() {
        assertThat(of(Mode.WEIGHT_ONLY, null, null, new WeightOnly(3, 7, null, 5)).validate()).containsExactly(
                "weightOnly.bits: must be 4 or 8, got 3",
                "weightOnly.blockSize: must be a power of two from 16 to 1024, got 7",
                "weightOnly.accuracyLevel: must be 0 to 4, got 5");
        assertThat(of(Mode.WEIGHT_ONLY, null, null, new WeightOnly(8, 2048, null, null)).validate())
                .singleElement().asString().contains("blockSize", "2048");
        assertThat(of(Mode.STATIC, null, null, new WeightOnly(4, null, null, null)).validate())
                .containsExactly("weightOnly: applies only to mode weight-only, the recipe's mode is static");
        assertThat(of(Mode.DYNAMIC, QuantType.INT8, true, null).validate()).containsExactly(
                "activationType: mode dynamic quantizes activations at run time to uint8 only, got int8",
                "symmetricActivations: mode dynamic computes an asymmetric uint8 range at run time");
    }
}
