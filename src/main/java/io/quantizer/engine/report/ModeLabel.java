package io.quantizer.engine.report;

import io.quantizer.engine.recipe.QuantizationRecipe;

/** What the report calls the quantized model in its sentences, so that an fp16 model is never "the int8 model". */
final class ModeLabel {

    private ModeLabel() {
    }

    static String of(QuantizationRecipe recipe) {
        QuantizationRecipe r = recipe.withDefaults();
        return r.mode() == QuantizationRecipe.Mode.WEIGHT_ONLY ? r.precisionLabel() + " weight-only"
                : r.precisionLabel();
    }

    /** The recipe change most likely to recover an unusable model of a calibration-free mode. */
    static String remedy(QuantizationRecipe recipe) {
        QuantizationRecipe r = recipe.withDefaults();
        return switch (r.mode()) {
            case DYNAMIC -> "int8 weights of a sensitive MatMul or Gemm";
            case WEIGHT_ONLY -> "too coarse weights: set weightOnly.bits to 8 or a smaller weightOnly.blockSize";
            case FP16 -> "an operator whose values leave float16's range";
            case STATIC -> "the static recipe";
        };
    }
}
