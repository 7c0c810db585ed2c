package io.quantizer.engine;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.fp16.Float16Conversion;
import io.quantizer.engine.quantize.DynamicQuantizer;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.quantize.WeightOnlyQuantizer;
import io.quantizer.engine.recipe.QuantizationRecipe;

/** The one place that picks the quantizer of each mode that needs no calibration. */
final class CalibrationFreeModes {

    private CalibrationFreeModes() {
    }

    static QuantizationOutcome quantize(QuantizationRecipe recipe, ModelProto prepared) {
        return switch (recipe.withDefaults().mode()) {
            case DYNAMIC -> new DynamicQuantizer(recipe).quantize(prepared);
            case WEIGHT_ONLY -> new WeightOnlyQuantizer(recipe).quantize(prepared);
            case FP16 -> new Float16Conversion(recipe).convert(prepared);
            case STATIC -> throw new IllegalArgumentException("static mode calibrates first");
        };
    }
}
