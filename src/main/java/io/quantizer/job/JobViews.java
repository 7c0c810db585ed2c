package io.quantizer.job;

import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Turns the stored job (JSON kept as text) into what clients see. */
@Component
class JobViews {

    private final ObjectMapper mapper;
    private final RecipeReader recipes;
    private final JobCallbacks callbacks;

    JobViews(ObjectMapper mapper, RecipeReader recipes, JobCallbacks callbacks) {
        this.mapper = mapper;
        this.recipes = recipes;
        this.callbacks = callbacks;
    }

    JobView of(QuantizationJob job) {
        JobInputs inputs = job.getInputs();
        JsonNode result = json(job.getResult());
        return new JobView(job.getId(), job.getStatus(), job.getStage(), job.getProgress(), job.getAttempt(),
                inputs.modelId(), inputs.calibrationDatasetId(), inputs.evaluationDatasetId(),
                recipes.fromJson(job.getRecipe()), job.getCreatedAt(), job.getStartedAt(), job.getFinishedAt(),
                json(job.getError()), result, JobLinks.of(job.getId(), job.getStatus(), hasCalibrationCache(result)),
                job.getCallbackUrl(), job.getCallbackUrl() == null ? null : callbacks.status(job.getId()).orElse(null),
                job.getTenant());
    }

    static boolean hasCalibrationCache(JsonNode result) {
        return result != null && result.get(CalibrationCacheOutput.RESULT_FIELD) != null
                && result.get(CalibrationCacheOutput.RESULT_FIELD).isObject();
    }

    private JsonNode json(String text) {
        return text == null ? null : mapper.readTree(text);
    }
}
