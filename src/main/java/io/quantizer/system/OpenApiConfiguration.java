package io.quantizer.system;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.servers.Server;

/**
 * The OpenAPI document served at {@code /v3/api-docs} (and checked into {@code openapi.yaml}, see
 * {@code OpenApiContractTest}). Every operation gets a {@code default} response with the {@value #PROBLEM}
 * schema as {@code application/problem+json}; controllers document their specific error statuses with
 * {@code @ApiResponse(responseCode = "404", content = @Content(mediaType = "application/problem+json",
 * schema = @Schema(ref = "#/components/schemas/Problem")))}; a problem+json response declared without a schema
 * gets that schema filled in. Operation ids default to the Java method name plus the controller's resource
 * ({@code ModelController.upload} is {@code uploadModel}) unless a controller names one with
 * {@code @Operation(operationId = ...)}; JSON is the default response media type.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String PROBLEM = "Problem";
    static final String API_VERSION = "v1";

    @Bean
    OpenAPI quantizerOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Quantizer")
                        .version(API_VERSION)
                        .description("Post-training int8 quantization of ONNX models. Upload an fp32 ONNX model and "
                                + "calibration/evaluation data sets (.npz/.npy), submit a quantization job, and "
                                + "download the int8 model with a report comparing it to the original. "
                                + "Errors are RFC 9457 problem details (application/problem+json)."))
                // relative, so the document is the same whatever host and port serve it
                .servers(List.of(new Server().url("/")));
    }

    /**
     * Adds the {@value #PROBLEM} schema and the problem+json {@code default} response to every operation that has
     * none. A customizer rather than part of the bean above, because springdoc prunes unreferenced schemas of the
     * base document before customizers run.
     */
    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                if (operation.getResponses() == null) {
                    return;
                }
                operation.getResponses().forEach(OpenApiConfiguration::fillProblemSchema);
                if (operation.getResponses().getDefault() == null) {
                    operation.getResponses().setDefault(new ApiResponse()
                            .description("Error: a problem detail saying what went wrong and how to fix it")
                            .content(new Content().addMediaType(MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                    new io.swagger.v3.oas.models.media.MediaType().schema(problemRef()))));
                }
            }));
        };
    }

    /**
     * Every upload (a multipart request) may be turned away by the upload admission ({@code UploadAdmissionFilter})
     * when the staging disk has no room: documented as a 503 with {@code Retry-After} on each such operation.
     */
    @Bean
    OpenApiCustomizer uploadAdmissionResponses() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                boolean upload = operation.getRequestBody() != null && operation.getRequestBody().getContent() != null
                        && operation.getRequestBody().getContent().containsKey(MediaType.MULTIPART_FORM_DATA_VALUE);
                if (upload && operation.getResponses() != null && operation.getResponses().get("503") == null) {
                    operation.getResponses().addApiResponse("503", new ApiResponse()
                            .description("No room for the upload now (quantizer.upload.max-concurrent or "
                                    + "min-free-space); retry after Retry-After seconds")
                            .addHeaderObject("Retry-After", new io.swagger.v3.oas.models.headers.Header()
                                    .description("seconds to wait before retrying")
                                    .schema(new io.swagger.v3.oas.models.media.IntegerSchema()))
                            .content(new Content().addMediaType(MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                    new io.swagger.v3.oas.models.media.MediaType().schema(problemRef()))));
                }
            }));
        };
    }

    /**
     * Optional text parts of multipart forms (a display name, say) are shown empty. Swagger UI otherwise pre-fills
     * them with the word "string", which the service would take as the value; empty means "use the default".
     */
    @Bean
    OpenApiCustomizer emptyOptionalFormFields() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                io.swagger.v3.oas.models.media.MediaType form = operation.getRequestBody() == null
                        || operation.getRequestBody().getContent() == null ? null
                        : operation.getRequestBody().getContent().get(MediaType.MULTIPART_FORM_DATA_VALUE);
                if (form == null || form.getSchema() == null || form.getSchema().getProperties() == null) {
                    return;
                }
                List<String> required = form.getSchema().getRequired() == null ? List.of()
                        : form.getSchema().getRequired();
                Map<String, Schema> parts = form.getSchema().getProperties();
                parts.forEach((name, part) -> {
                    boolean text = "string".equals(part.getType()) || (part.getTypes() != null
                            && part.getTypes().contains("string"));
                    if (text && !"binary".equals(part.getFormat()) && !required.contains(name)
                            && part.getExample() == null && part.getDefault() == null) {
                        part.setExample("");
                    }
                });
            }));
        };
    }

    /** Names operations {@code <method><Resource>}, so ids are unique and readable in generated clients. */
    @Bean
    OperationCustomizer resourceOperationIds() {
        return (operation, handlerMethod) -> {
            String method = handlerMethod.getMethod().getName();
            String id = operation.getOperationId();
            // springdoc defaults to the method name, suffixed _1, _2... for duplicates
            if (id == null || id.equals(method) || id.matches(Pattern.quote(method) + "_\\d+")) {
                String resource = handlerMethod.getBeanType().getSimpleName().replaceFirst("Controller$", "");
                operation.setOperationId(method + resource);
            }
            return operation;
        };
    }

    /**
     * Gives a problem+json response the {@value #PROBLEM} schema when it has none, and an example with its own
     * status, so that Swagger UI does not show one problem's example under every error code.
     */
    private static void fillProblemSchema(String code, ApiResponse response) {
        if (response.getContent() == null) {
            return;
        }
        io.swagger.v3.oas.models.media.MediaType problem =
                response.getContent().get(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (problem == null) {
            return;
        }
        if (problem.getSchema() == null) {
            problem.setSchema(problemRef());
        }
        HttpStatus status = code.matches("\\d{3}") ? HttpStatus.resolve(Integer.parseInt(code)) : null;
        if (status != null && problem.getExample() == null && problem.getExamples() == null) {
            problem.setExample(Map.of("title", status.getReasonPhrase(), "status", status.value(),
                    "detail", response.getDescription()));
        }
    }

    private static Schema<?> problemRef() {
        return new Schema<>().$ref("#/components/schemas/" + PROBLEM);
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details")
                .properties(Map.of(
                        "type", new StringSchema().format("uri").description("Identifies the kind of problem"),
                        "title", new StringSchema().description("Short summary of the kind of problem"),
                        "status", new IntegerSchema().format("int32").description("HTTP status code"),
                        "detail", new StringSchema().description("What went wrong in this request and how to fix it"),
                        "instance", new StringSchema().format("uri").description("The request path"),
                        "errors", new ArraySchema().description("Field-level errors, when there were several")
                                .items(new ObjectSchema().properties(Map.of(
                                        "field", new StringSchema(),
                                        "message", new StringSchema()))),
                        "attempt", new IntegerSchema().format("int32")
                                .description("A failed job's error: the attempt that failed"),
                        "exitCode", new IntegerSchema().format("int32")
                                .description("A failed job's error: the engine child's exit status, when it exited"),
                        "engineOutput", new ArraySchema().items(new StringSchema())
                                .description("A failed job's error: the engine child's last output lines, when "
                                        + "they explain the failure")));
    }
}
