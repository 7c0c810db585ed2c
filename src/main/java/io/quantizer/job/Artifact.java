package io.quantizer.job;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One file a SUCCEEDED job produced. The quantized model comes first; a large model's external data, or another
 * output such as a calibration cache, follow. All are stored under the attempt's prefix by this name.
 */
@Schema(name = "ArtifactFile", description = "One output file of a SUCCEEDED job")
public record Artifact(
        @Schema(description = "the file name; external data is referenced by this name from the model",
                example = "model.int8.onnx") String name,
        long sizeBytes,
        @Schema(description = "SHA-256 of the bytes, hex") String sha256) {
}
