package io.quantizer.job;

import java.util.UUID;

/** What a job quantizes: a model, its calibration set and, optionally, a held-out evaluation set. */
public record JobInputs(UUID modelId, UUID calibrationDatasetId, UUID evaluationDatasetId) {
}
