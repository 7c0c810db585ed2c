package io.quantizer.job;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * The JSON body of {@code POST /api/v1/quantization-jobs}. Unknown fields are collected rather than ignored so
 * the service can refuse them: a misspelt {@code evaluationDatasetId} must not silently run without evaluation.
 */
@Schema(name = "QuantizationJobRequest")
public class JobRequest {

    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the fp32 model to quantize")
    public UUID modelId;
    @Schema(description = "representative inputs for calibration; required by mode static, optional for the modes"
            + " that do not calibrate (dynamic, weight-only, fp16), which then need an evaluationDatasetId")
    public UUID calibrationDatasetId;
    @Schema(description = "held-out inputs (and labels) for the fp32-vs-int8 comparison; without it the job "
            + "reports fidelity on the calibration inputs")
    public UUID evaluationDatasetId;
    @Schema(implementation = QuantizationRecipe.class, description = "what to do; every field is optional")
    public JsonNode recipe;
    @Schema(description = "an http(s) URL the job's end (SUCCEEDED, FAILED or CANCELLED) is POSTed to, signed with "
            + "the tenant's callback secret; at most 2048 characters, and private, loopback and link-local "
            + "addresses are refused unless the operator allowed them", maxLength = 2048,
            example = "https://203.0.113.10/hooks/quantizer")
    public String callbackUrl;

    @JsonIgnore
    private final List<String> unknownFields = new ArrayList<>();

    public JobRequest() {
    }

    public JobRequest(UUID modelId, UUID calibrationDatasetId, UUID evaluationDatasetId, JsonNode recipe) {
        this.modelId = modelId;
        this.calibrationDatasetId = calibrationDatasetId;
        this.evaluationDatasetId = evaluationDatasetId;
        this.recipe = recipe;
    }

    @JsonAnySetter
    void unknownField(String name, Object value) {
        unknownFields.add(name);
    }

    List<String> unknownFields() {
        return List.copyOf(unknownFields);
    }
}
