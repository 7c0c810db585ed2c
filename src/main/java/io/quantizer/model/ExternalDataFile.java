package io.quantizer.model;

import io.swagger.v3.oas.annotations.media.Schema;

/** One external-data file uploaded with a model, stored by content like the model itself. */
@Schema(name = "ExternalDataFile", description = "A file holding some of the model's weights (ONNX external data)")
public record ExternalDataFile(
        @Schema(description = "the file name, exactly as the model's tensors reference it in 'location'",
                example = "model.onnx.data") String name,
        @Schema(description = "SHA-256 of the bytes, hex") String sha256,
        long sizeBytes) {
}
