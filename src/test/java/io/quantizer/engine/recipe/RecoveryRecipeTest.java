package io.quantizer.engine.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantizer.engine.recipe.QuantizationRecipe.BiasCorrection;
import io.quantizer.engine.recipe.QuantizationRecipe.CrossLayerEqualization;
import io.quantizer.engine.recipe.QuantizationRecipe.SmoothQuant;
import org.junit.jupiter.api.Test;

/** Defaults and validation of the accuracy-recovery switches. */
class RecoveryRecipeTest {

    private static QuantizationRecipe with(BiasCorrection bc, CrossLayerEqualization cle, SmoothQuant sq) {
        return new QuantizationRecipe(null, null, null, null, null, null, null, null, null, null, null, null)
                .withRecovery(bc, cle, sq);
    }

    @Test
    void defaultsAreFilledInAndValid() {
        QuantizationRecipe r = QuantizationRecipe.defaults();
        assertThat(r.biasCorrection()).isEqualTo(new BiasCorrection(false, 128));
        assertThat(r.crossLayerEqualization()).isEqualTo(new CrossLayerEqualization(false, 4));
        assertThat(r.smoothQuant()).isEqualTo(new SmoothQuant(false, 0.5));
        assertThat(r.validate()).isEmpty();
        // a partly given switch keeps what was given
        assertThat(with(null, null, new SmoothQuant(true, null)).withDefaults().smoothQuant())
                .isEqualTo(new SmoothQuant(true, 0.5));
    }

    @Test
    void outOfRangeValuesAreNamedByField() {
        assertThat(with(new BiasCorrection(true, 0), null, null).validate())
                .containsExactly("biasCorrection.maxSamples: must be at least 1, got 0");
        assertThat(with(null, new CrossLayerEqualization(true, 0), null).validate())
                .containsExactly("crossLayerEqualization.iterations: must be in [1, 100], got 0");
        assertThat(with(null, new CrossLayerEqualization(true, 101), null).validate()).hasSize(1);
        assertThat(with(null, null, new SmoothQuant(true, 1.5)).validate())
                .containsExactly("smoothQuant.alpha: must be in [0, 1], got 1.5");
        assertThat(with(null, null, new SmoothQuant(true, -0.1)).validate()).hasSize(1);
        assertThat(with(null, null, new SmoothQuant(true, Double.NaN)).validate()).hasSize(1);
        assertThat(with(null, null, new SmoothQuant(true, 0.0)).validate()).isEmpty();
        assertThat(with(null, null, new SmoothQuant(true, 1.0)).validate()).isEmpty();
    }

    @Test
    void theOlderConstructorsLeaveTheSwitchesAtTheirDefaults() {
        QuantizationRecipe r = new QuantizationRecipe(null, null, null, null, null, null, null, null, null, null, null,
                null).withDefaults();
        assertThat(r).isEqualTo(QuantizationRecipe.defaults());
    }
}
