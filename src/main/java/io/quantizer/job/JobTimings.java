package io.quantizer.job;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The attempt's own steps around the engine, in seconds, shown in a SUCCEEDED job's result as {@code jobTimings}
 * (the engine's own stages are in {@code stageSeconds}).
 */
@Schema(name = "QuantizationJobTimings")
public record JobTimings(
        @Schema(description = "fetching the model and data sets from storage") double fetchSeconds,
        @Schema(description = "starting the engine's child JVM") double engineStartSeconds,
        @Schema(description = "the engine child, start to exit") double engineSeconds,
        @Schema(description = "storing the quantized model and report") double uploadSeconds) {
}
