package io.quantizer.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.system.ApiException;

/**
 * A submit request checked for shape (required ids, unknown fields, recipe), before anything is looked up.
 * Its fingerprint identifies the request for {@code Idempotency-Key}: two bodies that mean the same job (the
 * same inputs, the same recipe once defaults are filled in) have the same fingerprint.
 */
record JobSubmission(JobInputs inputs, QuantizationRecipe recipe, String recipeJson, String fingerprint,
                     String callbackUrl) {

    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    static JobSubmission of(JobRequest request, RecipeReader recipes) {
        List<String> unknown = request.unknownFields();
        if (!unknown.isEmpty()) {
            throw new ApiException.BadRequest("unknown-field", "Unknown request field",
                    "Unknown field(s) " + unknown + "; a job request takes modelId, calibrationDatasetId, "
                            + "evaluationDatasetId, recipe and callbackUrl.");
        }
        List<Map<String, String>> missing = new ArrayList<>();
        if (request.modelId == null) {
            missing.add(Map.of("field", "modelId", "message", "the id of the model to quantize is required"));
        }
        if (!missing.isEmpty()) {
            throw missing(missing);
        }
        QuantizationRecipe recipe = recipes.read(request.recipe);
        if (request.calibrationDatasetId == null && recipe.needsCalibration()) {
            missing.add(Map.of("field", "calibrationDatasetId", "message",
                    "the id of the calibration data set is required by mode static"));
        } else if (request.calibrationDatasetId == null && request.evaluationDatasetId == null) {
            missing.add(Map.of("field", "evaluationDatasetId", "message", "mode "
                    + recipe.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " needs no calibration set, but a data set"
                    + " to compare the quantized model with fp32: give evaluationDatasetId (or calibrationDatasetId)"));
        }
        if (!missing.isEmpty()) {
            throw missing(missing);
        }
        return of(new JobInputs(request.modelId, request.calibrationDatasetId, request.evaluationDatasetId),
                recipe, recipes).withCallback(request.callbackUrl);
    }

    /** The same submission reporting its end to {@code url}; the URL is part of the request's fingerprint. */
    JobSubmission withCallback(String url) {
        if (url == null) {
            return this;
        }
        return new JobSubmission(inputs, recipe, recipeJson, sha256(fingerprint + "|callback|" + url), url);
    }

    static JobSubmission of(JobInputs inputs, QuantizationRecipe recipe, RecipeReader recipes) {
        String identity = inputs.modelId() + "|" + inputs.calibrationDatasetId() + "|"
                + Optional.ofNullable(inputs.evaluationDatasetId()).map(UUID::toString).orElse("-");
        return of(inputs, recipe, recipes, identity);
    }

    /**
     * A submission whose inputs are identified by {@code identity} for idempotency: the ids for a JSON request,
     * the uploaded bytes' digests for a one-shot upload (whose every call creates new rows).
     */
    static JobSubmission of(JobInputs inputs, QuantizationRecipe recipe, RecipeReader recipes, String identity) {
        String recipeJson = recipes.toJson(recipe);
        return new JobSubmission(inputs, recipe, recipeJson, sha256(identity + "|" + recipeJson), null);
    }

    private static ApiException missing(List<Map<String, String>> missing) {
        return new ApiException.BadRequest("missing-field", "Missing required field",
                "Required field(s) missing: " + missing.stream().map(m -> m.get("field")).toList() + "; "
                        + String.join("; ", missing.stream().map(m -> m.get("message")).toList()) + ".")
                .withErrors(missing);
    }

    static Optional<String> checkedKey(String idempotencyKey) {
        if (idempotencyKey == null) {
            return Optional.empty();
        }
        if (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw new ApiException.BadRequest("invalid-idempotency-key", "Invalid Idempotency-Key",
                    "The Idempotency-Key header must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters long.");
        }
        return Optional.of(idempotencyKey);
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
