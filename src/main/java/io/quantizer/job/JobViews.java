package io.quantizer.job;

import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Turns the stored job (JSON kept as text) into what clients see. */
@Component
class JobViews {

    private final ObjectMapper mapper;
    private final RecipeReader recipes;

    JobViews(ObjectMapper mapper, RecipeReader recipes) {
        this.mapper = mapper;
        this.recipes = recipes;
    }

    JobView of(QuantizationJob job) {
        JobInputs inputs = job.getInputs();
        return new JobView(job.getId(), job.getStatus(), job.getStage(), job.getProgress(), job.getAttempt(),
                inputs.modelId(), inputs.calibrationDatasetId(), inputs.evaluationDatasetId(),
                recipes.fromJson(job.getRecipe()), job.getCreatedAt(), job.getStartedAt(), job.getFinishedAt(),
                json(job.getError()), json(job.getResult()), JobLinks.of(job.getId(), job.getStatus()),
                job.getTenant());
    }

    private JsonNode json(String text) {
        return text == null ? null : mapper.readTree(text);
    }
}
