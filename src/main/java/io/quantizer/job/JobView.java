package io.quantizer.job;

import java.time.Instant;
import java.util.UUID;

import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/** A quantization job as clients see it. */
@Schema(name = "QuantizationJob")
public record JobView(
        UUID id,
        JobStatus status,
        @Schema(description = "what the running attempt is doing; the last stage reached once finished")
        Stage stage,
        @Schema(description = "0..1 within the job") double progress,
        @Schema(description = "how many times a worker has started this job (more than 1 after a worker died)")
        int attempt,
        UUID modelId,
        UUID calibrationDatasetId,
        UUID evaluationDatasetId,
        @Schema(description = "the recipe the job runs with, every default filled in") QuantizationRecipe recipe,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        @Schema(description = "what went wrong, as problem details; when FAILED", ref = JobApiDocs.PROBLEM)
        JsonNode error,
        @Schema(description = "the quantized model's digest and size, its quality verdict (quality.verdict: good,"
                + " degraded or unusable, with the reasons), the fp32-vs-int8 evaluation, the nodes quantized and"
                + " kept in float, stage timings, the machine and warnings (an unusable model's first warning says"
                + " so and why); when SUCCEEDED", ref = JobApiDocs.RESULT)
        JsonNode result,
        @Schema(description = "paths to this job and, once SUCCEEDED, to its quantized model and report")
        JobLinks links,
        @Schema(description = "where the job's end is POSTed, signed; absent when none was given", nullable = true)
        String callbackUrl,
        @Schema(description = "the callback's delivery and its attempts, once the job has ended; when a callbackUrl "
                + "was given")
        CallbackStatus callback,
        @Schema(description = "the tenant that submitted it; only its callers (and admins) see it") String tenant) {
}
