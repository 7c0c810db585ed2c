package io.quantizer.engine.report;

import java.util.List;

import io.quantizer.engine.quantize.WeightError;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Everything behind the summary: the recipe as run, how calibration ran (null for the modes that do not
 * calibrate), every quantized tensor with its parameters, what preprocessing and quantization changed, and for the
 * weight-only mode the error each weight took.
 */
public record Details(QuantizationRecipe recipe, CalibrationRun calibration, List<TensorReport> tensors,
                      List<String> preprocessingNotes, List<String> quantizationNotes, List<WeightError> weightErrors) {

    public Details {
        tensors = List.copyOf(tensors);
        preprocessingNotes = List.copyOf(preprocessingNotes);
        quantizationNotes = List.copyOf(quantizationNotes);
        weightErrors = List.copyOf(weightErrors);
    }

    public Details(QuantizationRecipe recipe, CalibrationRun calibration, List<TensorReport> tensors,
                   List<String> preprocessingNotes, List<String> quantizationNotes) {
        this(recipe, calibration, tensors, preprocessingNotes, quantizationNotes, List.of());
    }

    /** @param observedTensors how many tensors calibration watched */
    public record CalibrationRun(String method, long sampleCount, int batchSize, int observedTensors) {
    }
}
