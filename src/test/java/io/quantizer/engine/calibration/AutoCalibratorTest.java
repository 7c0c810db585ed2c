package io.quantizer.engine.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.Random;

import io.quantizer.engine.recipe.QuantizationRecipe;
import org.junit.jupiter.api.Test;

class AutoCalibratorTest {

    private static AutoCalibrator fed(float[] values) {
        AutoCalibrator auto = new AutoCalibrator(99.99, false);
        auto.update(FloatBuffer.wrap(values));
        return auto;
    }

    @Test
    void aUniformTensorKeepsMinMaxAndOneWithOutliersGetsAClippedRange() {
        Random random = new Random(1);
        float[] uniform = new float[100_000];
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = 2 * random.nextFloat() - 1;
        }
        // Laplace: a long tail of rare large values, as pre-activation tensors have
        float[] outliers = new float[100_000];
        for (int i = 0; i < outliers.length; i++) {
            double u = random.nextDouble() - 0.5;
            outliers[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        TensorStatistics flat = fed(uniform).statistics();
        TensorStatistics spiky = fed(outliers).statistics();

        assertThat(flat.method()).isEqualTo("minmax");
        assertThat(flat.range().max()).isEqualTo(flat.observedMax());
        assertThat(spiky.method()).isNotEqualTo("minmax");
        assertThat(spiky.range().max()).isLessThan(spiky.observedMax());
        // the winner's error is the lowest of the four, as measured on the histogram
        AutoCalibrator auto = fed(outliers);
        double chosen = MseCalibrator.expectedError(auto.winner().histogram, auto.range(), false);
        double minMax = MseCalibrator.expectedError(auto.winner().histogram,
                new TensorRange(spiky.observedMin(), spiky.observedMax()), false);
        assertThat(chosen).isLessThan(minMax / (1 + AutoCalibrator.TIE));
    }

    @Test
    void theRecipeMethodAutoMakesAutoCalibrators() {
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null,
                new QuantizationRecipe.Calibration(QuantizationRecipe.CalibrationMethod.AUTO, null, null, null, null),
                null, null);
        assertThat(Calibrators.forRecipe(recipe).get()).isInstanceOf(AutoCalibrator.class);
        assertThat(Calibrators.needsOnlyExtremes(recipe)).isFalse();
    }
}
