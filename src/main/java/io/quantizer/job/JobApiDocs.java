package io.quantizer.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.quantizer.engine.cli.EngineProtocol;
import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.Summary;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What the job API's document shows beyond what springdoc infers from the Java types, so that a person trying the
 * service in Swagger UI sees real shapes and gets defaults the service accepts:
 * <ul>
 *   <li>the downloadable report's schema, from the engine's {@link QuantizationReport} record;</li>
 *   <li>{@value #RESULT_NAME}, the schema of a SUCCEEDED job's {@code result}: the engine's report
 *       {@link Summary} (which the worker stores as it is) plus the attempt's {@link JobTimings};</li>
 *   <li>the recipe's example is the default recipe, so the forms Swagger UI pre-fills submit a valid job (the
 *       sample Swagger UI would otherwise derive from the schema picks the first enum value and zeros, which
 *       the service refuses);</li>
 *   <li>examples of a queued, a succeeded and a failed job on the operations that answer with a job.</li>
 * </ul>
 */
@Component
class JobApiDocs implements OpenApiCustomizer {

    static final String PROBLEM = "#/components/schemas/Problem";
    static final String RESULT_NAME = "QuantizationResult";
    static final String RESULT = "#/components/schemas/" + RESULT_NAME;
    static final String RECIPE_NAME = "QuantizationRecipe";
    static final String REPORT = "#/components/schemas/QuantizationReport";
    /** A SUCCEEDED job's stored result from a real run on the tiny test classifier; see SwaggerUiBrowserTest. */
    static final String SUCCEEDED_RESULT = "succeeded-job-result.example.json";

    private static final UUID JOB = UUID.fromString("0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d");
    private static final UUID MODEL = UUID.fromString("5f0c9a7e-8a51-4c1e-b7f2-2d4c6e8a0b13");
    private static final UUID CALIBRATION = UUID.fromString("9a3e2b14-6c7d-4f80-a1b2-c3d4e5f60718");
    private static final UUID EVALUATION = UUID.fromString("c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f");
    private static final Instant CREATED = Instant.parse("2026-01-15T10:00:00Z");

    private final ObjectMapper mapper;

    JobApiDocs(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
            return;
        }
        addReportSchemas(openApi);
        Schema<?> recipe = openApi.getComponents().getSchemas().get(RECIPE_NAME);
        if (recipe != null) {
            recipe.setExample(plain(QuantizationRecipe.defaults()));
        }
        if (openApi.getPaths() == null) {
            return;
        }
        PathItem jobs = openApi.getPaths().get(JobLinks.JOBS);
        PathItem job = openApi.getPaths().get(JobLinks.JOBS + "/{id}");
        if (jobs != null && jobs.getPost() != null) {
            recipePartIsARecipe(jobs.getPost());
            exampleJobs(jobs.getPost(), "202", Map.of("queued", queued()));
            exampleUnknownInput(jobs.getPost());
        }
        if (job != null && job.getGet() != null) {
            exampleJobs(job.getGet(), "200", Map.of("queued", queued(), "succeeded", succeeded(), "failed", failed()));
        }
    }

    /**
     * Registers the report's schema from the engine's {@link QuantizationReport} record (with its summary and
     * details), and {@value #RESULT_NAME}: the summary's fields plus {@code jobTimings}.
     */
    private static void addReportSchemas(OpenAPI openApi) {
        boolean v31 = openApi.getOpenapi() != null && openApi.getOpenapi().startsWith("3.1");
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        ModelConverters converters = ModelConverters.getInstance(v31);
        converters.resolveAsResolvedSchema(new AnnotatedType(QuantizationReport.class).resolveAsRef(true))
                .referencedSchemas.forEach(schemas::putIfAbsent);
        ResolvedSchema timings = converters.resolveAsResolvedSchema(
                new AnnotatedType(JobTimings.class).resolveAsRef(true));
        timings.referencedSchemas.forEach(schemas::putIfAbsent);
        ResolvedSchema artifact = converters.resolveAsResolvedSchema(
                new AnnotatedType(Artifact.class).resolveAsRef(true));
        artifact.referencedSchemas.forEach(schemas::putIfAbsent);
        Schema<?> summary = schemas.get(Summary.class.getSimpleName());
        Schema<Object> result = new ObjectSchema();
        result.setDescription("The engine's report summary as the worker stores it, plus the attempt's own timings "
                + "and its list of artifact files");
        Map<String, Schema> properties = new LinkedHashMap<>(summary.getProperties());
        properties.put("jobTimings", new Schema<>().$ref(timings.schema.get$ref()));
        properties.put("artifacts", new io.swagger.v3.oas.models.media.ArraySchema()
                .items(new Schema<>().$ref(artifact.schema.get$ref()))
                .description("every file the job produced, the quantized model first (then its external data or "
                        + "other outputs); each is fetched from links.artifacts/{name}"));
        result.setProperties(properties);
        schemas.put(RESULT_NAME, result);
    }

    /**
     * The multipart form's {@code recipe} text part is documented as the recipe object (its JSON), so Swagger UI
     * pre-fills it with the recipe's example instead of the word "string", which is not JSON.
     */
    private static void recipePartIsARecipe(Operation submit) {
        MediaType form = submit.getRequestBody() == null || submit.getRequestBody().getContent() == null ? null
                : submit.getRequestBody().getContent().get(org.springframework.http.MediaType.MULTIPART_FORM_DATA_VALUE);
        Map<String, Schema> parts = form == null || form.getSchema() == null ? null : form.getSchema().getProperties();
        Schema<?> part = parts == null ? null : parts.get("recipe");
        if (part != null) {
            parts.put("recipe", new Schema<>()
                    .$ref("#/components/schemas/" + RECIPE_NAME).description(part.getDescription()));
        }
    }

    private void exampleJobs(Operation operation, String status, Map<String, Object> examples) {
        ApiResponse response = operation.getResponses() == null ? null : operation.getResponses().get(status);
        MediaType json = response == null || response.getContent() == null ? null
                : response.getContent().get(org.springframework.http.MediaType.APPLICATION_JSON_VALUE);
        if (json == null) {
            return;
        }
        new java.util.TreeMap<>(examples).forEach((name, value) ->
                json.addExamples(name, new Example().summary("a " + name + " job").value(value)));
    }

    /** What a person gets who submits the JSON form with Swagger UI's placeholder ids. */
    private static void exampleUnknownInput(Operation submit) {
        ApiResponse response = submit.getResponses() == null ? null : submit.getResponses().get("422");
        MediaType problem = response == null || response.getContent() == null ? null
                : response.getContent().get(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (problem != null) {
            String unknown = "no model with id 3fa85f64-5717-4562-b3fc-2c963f66afa6 exists";
            problem.setExample(Map.of(
                    "type", "https://quantizer.io/problems/unknown-input",
                    "title", "Unknown model or data set",
                    "status", 422,
                    "detail", "modelId: " + unknown + ".",
                    "instance", JobLinks.JOBS,
                    "errors", java.util.List.of(Map.of("field", "modelId", "message", unknown))));
        }
    }

    private Object queued() {
        return view(JobStatus.QUEUED, null, 0, 0, null, null, null, null);
    }

    private Object succeeded() {
        return view(JobStatus.SUCCEEDED, Stage.PUBLISHING, 1, 1, CREATED.plusSeconds(2), CREATED.plusSeconds(9),
                null, readResult());
    }

    private Object failed() {
        JsonNode error = mapper.valueToTree(Map.of(
                "type", "https://quantizer.io/problems/engine-rejected-input",
                "title", "The model or data cannot be quantized",
                "status", 422,
                "detail", "ONNX Runtime cannot load the model: Could not find an implementation for "
                        + "NoSuchOp(1) node with name 'custom_0'",
                "attempt", 1,
                "exitCode", EngineProtocol.EXIT_INPUT_ERROR));
        return view(JobStatus.FAILED, Stage.PREPARING, 0.05, 1, CREATED.plusSeconds(2), CREATED.plusSeconds(3),
                error, null);
    }

    private Object view(JobStatus status, Stage stage, double progress, int attempt, Instant started,
                        Instant finished, JsonNode error, JsonNode result) {
        return plain(new JobView(JOB, status, stage, progress, attempt, MODEL, CALIBRATION, EVALUATION,
                QuantizationRecipe.defaults(), CREATED, started, finished, error, result,
                JobLinks.of(JOB, status, JobViews.hasCalibrationCache(result)), null, null, "team-a"));
    }

    private JsonNode readResult() {
        try (InputStream in = JobApiDocs.class.getResourceAsStream(SUCCEEDED_RESULT)) {
            if (in == null) {
                throw new IllegalStateException(SUCCEEDED_RESULT + " is missing from the classpath");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As the service would write it, in plain maps and lists that the document's own writer can serialise. */
    private Object plain(Object value) {
        return mapper.convertValue(mapper.valueToTree(value), Object.class);
    }
}
