package io.quantizer.engine.report;

import java.util.List;

import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Everything behind the summary: the recipe as run, how calibration ran, every quantized tensor with its
 * parameters, and what preprocessing and quantization changed.
 */
public record Details(QuantizationRecipe recipe, CalibrationRun calibration, List<TensorReport> tensors,
                      List<String> preprocessingNotes, List<String> quantizationNotes) {

    public Details {
        tensors = List.copyOf(tensors);
        preprocessingNotes = List.copyOf(preprocessingNotes);
        quantizationNotes = List.copyOf(quantizationNotes);
    }

    /** @param observedTensors how many tensors calibration watched */
    public record CalibrationRun(String method, long sampleCount, int batchSize, int observedTensors) {
    }
}
