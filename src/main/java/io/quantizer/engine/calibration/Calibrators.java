package io.quantizer.engine.calibration;

import java.util.function.Supplier;

import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Calibration;

/** Makes one fresh calibrator per observed tensor, as the recipe asks. */
public final class Calibrators {

    private Calibrators() {
    }

    public static Supplier<Calibrator> forRecipe(QuantizationRecipe recipe) {
        QuantizationRecipe r = recipe.withDefaults();
        Calibration c = r.calibration();
        boolean symmetric = Boolean.TRUE.equals(r.symmetricActivations());
        return switch (c.method()) {
            case MINMAX -> () -> new MinMaxCalibrator(c.movingAverage(), c.movingAverageConstant());
            case PERCENTILE -> () -> new PercentileCalibrator(c.percentile());
            case ENTROPY -> () -> new EntropyCalibrator(symmetric);
            case MSE -> () -> new MseCalibrator(symmetric);
            case AUTO -> () -> new AutoCalibrator(c.percentile(), symmetric);
        };
    }

    /** Whether the recipe's calibrator only needs each batch's extremes, which the graph can compute itself. */
    public static boolean needsOnlyExtremes(QuantizationRecipe recipe) {
        return recipe.withDefaults().calibration().method() == QuantizationRecipe.CalibrationMethod.MINMAX;
    }
}
