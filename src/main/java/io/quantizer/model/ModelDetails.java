package io.quantizer.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quantizer.model.onnx.TensorSignature;
import io.swagger.v3.oas.annotations.media.Schema;

/** An uploaded model as the API shows it; also what other features (jobs) read about a model. */
@Schema(name = "Model", description = "An uploaded ONNX model and the metadata read from it")
public record ModelDetails(
        UUID id,
        @Schema(description = "the name given at upload, or the file name") String name,
        @Schema(description = "SHA-256 of the bytes, hex; also the download's ETag") String sha256,
        long sizeBytes,
        long irVersion,
        @Schema(description = "operator set version per domain; the default domain is 'ai.onnx'")
        Map<String, Long> opsets,
        String producerName,
        String producerVersion,
        @Schema(description = "floating-point weight elements in initializers, Constant nodes and subgraphs")
        long parameterCount,
        @Schema(description = "graph inputs a client feeds (initializers listed as inputs are left out)")
        List<TensorSignature> inputs,
        List<TensorSignature> outputs,
        @Schema(description = "nodes per operator type, subgraphs included; non-default domains as 'domain:Op'")
        Map<String, Long> operatorCounts,
        Instant createdAt,
        @Schema(description = "the external-data files uploaded with the model (empty for a self-contained "
                + ".onnx); sha256 and sizeBytes above are the .onnx file's own")
        List<ExternalDataFile> externalData,
        @Schema(description = "the tenant that owns it; only its callers (and admins) see it") String tenant) {
}
