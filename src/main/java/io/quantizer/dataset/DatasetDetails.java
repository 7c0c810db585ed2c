package io.quantizer.dataset;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** An uploaded data set as the API shows it; also what other features (jobs) read about a data set. */
@Schema(name = "Dataset", description = "An uploaded .npz/.npy data set and the arrays it holds")
public record DatasetDetails(
        UUID id,
        String name,
        @Schema(description = "SHA-256 of the bytes, hex; also the download's ETag") String sha256,
        long sizeBytes,
        @Schema(allowableValues = {"npz", "npy"}) String format,
        @Schema(description = "the first dimension, shared by every array") long sampleCount,
        @Schema(description = "the arrays; a .npy's single array is named 'arr_0'") List<DatasetTensor> tensors,
        @Schema(description = "the array named 'label', 'labels' or 'y', if any", nullable = true)
        String labelTensor,
        Instant createdAt,
        @Schema(description = "the tenant that owns it; only its callers (and admins) see it") String tenant) {

    public DatasetDetails {
        tensors = List.copyOf(tensors);
    }

    /**
     * The arrays that feed model inputs (all but the label array). A single-input model accepts a data set
     * with exactly one of these whatever its name.
     */
    public List<DatasetTensor> featureTensors() {
        return tensors.stream().filter(t -> !t.name().equals(labelTensor)).toList();
    }
}
