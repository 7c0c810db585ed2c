package io.quantizer.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.quantizer.job.JobFixtures;
import io.quantizer.support.TempDataDirInitializer;
import io.quantizer.support.TestAuth;

/**
 * What Swagger UI pre-fills is what a person sends: every operation of the served contract, called with the
 * examples and defaults its parameters and form fields declare (and real files for file parts), must not be
 * refused as a bad request. Path ids have no example (the person pastes one), so they get a random id and may
 * answer 404; uploads and the submit must succeed outright.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class OpenApiExamplesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    @Test
    void everyOperationAcceptsTheExamplesAndDefaultsItsContractDeclares() throws Exception {
        RestClient http = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultHeader(TestAuth.AUTHORIZATION, TestAuth.admin()).build();
        JsonNode contract = JSON.readTree(http.get().uri("/v3/api-docs").retrieve().body(String.class));
        Path model = Files.write(dir.resolve("tiny_classifier.onnx"), JobFixtures.classifier());
        Path data = JobFixtures.labelled(dir, "evaluation.npz", 20, 9);

        List<String> called = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = contract.get("paths").properties().iterator();
             paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                JsonNode operation = op.getValue();
                String id = operation.get("operationId").asString();
                UriComponentsBuilder uri = UriComponentsBuilder.fromPath(path.getKey());
                Map<String, String> pathValues = new java.util.HashMap<>();
                org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
                for (JsonNode parameter : operation.path("parameters")) {
                    String value = example(parameter.has("example") ? parameter.get("example")
                            : parameter.path("schema").path("example").isMissingNode()
                            ? parameter.path("schema").path("default") : parameter.path("schema").path("example"));
                    String name = parameter.get("name").asString();
                    switch (parameter.get("in").asString()) {
                        case "path" -> pathValues.put(name, value != null ? value : UUID.randomUUID().toString());
                        case "query" -> {
                            if (value != null) {
                                uri.queryParam(name, value);
                            }
                        }
                        case "header" -> {
                            if (value != null) {
                                headers.set(name, value);
                            }
                        }
                        default -> throw new AssertionError("unexpected parameter location in " + id);
                    }
                }
                String target = uri.buildAndExpand(pathValues).toUriString();
                JsonNode content = operation.path("requestBody").path("content");
                List<Call> calls = new ArrayList<>();
                if (content.has(MediaType.MULTIPART_FORM_DATA_VALUE)) {
                    MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
                    content.get(MediaType.MULTIPART_FORM_DATA_VALUE).get("schema").get("properties").properties()
                            .forEach(part -> {
                                JsonNode schema = resolve(contract, part.getValue());
                                if ("array".equals(schema.path("type").asString())
                                        && "binary".equals(resolve(contract, schema.path("items")).path("format").asString())) {
                                    return; // optional extra files (a model's external data): none for these examples
                                }
                                if ("binary".equals(schema.path("format").asString())) {
                                    boolean onnx = part.getKey().equals("model") || target.startsWith("/api/v1/models");
                                    parts.add(part.getKey(), new FileSystemResource(onnx ? model : data));
                                } else {
                                    // without one, Swagger UI pre-fills a sample of its own ("string")
                                    assertThat(schema.has("example") || part.getValue().has("example"))
                                            .as("%s: form field %s has an example", id, part.getKey()).isTrue();
                                    parts.add(part.getKey(), example(part.getValue().has("example")
                                            ? part.getValue().get("example") : schema.get("example")));
                                }
                            });
                    calls.add(new Call(MediaType.MULTIPART_FORM_DATA, parts));
                }
                if (content.has(MediaType.APPLICATION_JSON_VALUE)) {
                    calls.add(new Call(MediaType.APPLICATION_JSON,
                            jsonExample(contract, resolve(contract, content.get(MediaType.APPLICATION_JSON_VALUE)
                                    .get("schema")), http, model, data)));
                }
                if (calls.isEmpty()) {
                    calls.add(new Call(null, null));
                }
                for (Call call : calls) {
                    RestClient.RequestBodySpec request = http.method(HttpMethod.valueOf(op.getKey().toUpperCase()))
                            .uri(target).headers(h -> h.addAll(headers));
                    if (call.type() != null) {
                        request.contentType(call.type()).body(call.body());
                    }
                    Result result = request.exchange((req, res) -> new Result(res.getStatusCode().value(),
                            new String(res.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
                    String what = op.getKey().toUpperCase() + " " + target + " (" + id
                            + (call.type() == null ? "" : ", " + call.type()) + ")";
                    assertThat(result.status()).as("%s with its declared examples answered %s", what, result.body())
                            .isNotEqualTo(400);
                    if (call.type() != null) {
                        assertThat(result.status()).as("%s with its declared examples and real files: %s", what,
                                result.body()).isBetween(200, 299);
                    }
                    called.add(what);
                }
            }
        }
        assertThat(called).as("operations called").hasSizeGreaterThanOrEqualTo(16);
    }

    /**
     * Swagger UI asks for the media type of an operation's success response (its Accept header), and shows the
     * schemas as the shape of the answer: every operation must declare its 2xx response, and every body a real
     * schema (a component or a file), never an empty object such as a serialised JsonNode bean.
     */
    @Test
    void everyOperationDeclaresItsSuccessAndEveryBodyHasARealSchema() {
        JsonNode contract = JSON.readTree(RestClient.create("http://localhost:" + port).get().uri("/v3/api-docs")
                .retrieve().body(String.class));
        List<String> problems = new ArrayList<>();
        contract.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String what = op.getKey().toUpperCase() + " " + path.getKey();
            JsonNode responses = op.getValue().get("responses");
            if (responses.propertyNames().stream().noneMatch(code -> code.startsWith("2"))) {
                problems.add(what + " declares no 2xx response");
            }
            responses.properties().forEach(response -> response.getValue().path("content").properties()
                    .forEach(media -> {
                        JsonNode schema = media.getValue().path("schema");
                        boolean real = schema.has("$ref") && !contract.at(schema.get("$ref").asString().substring(1))
                                .path("properties").isEmpty()
                                || "binary".equals(schema.path("format").asString());
                        if (!real) {
                            problems.add(what + " " + response.getKey() + " " + media.getKey() + ": " + schema);
                        }
                    }));
        }));
        contract.get("components").get("schemas").properties().forEach(schema -> {
            if ("object".equals(schema.getValue().path("type").asString())
                    && schema.getValue().path("properties").isEmpty()) {
                problems.add("component " + schema.getKey() + " is an object without properties");
            }
        });
        assertThat(problems).isEmpty();
    }

    /**
     * The JSON request body as Swagger UI would pre-fill it, with real ids: each property's example (for ids,
     * one of a model and data set uploaded here; Swagger UI shows a placeholder id the person replaces).
     */
    private static Map<String, Object> jsonExample(JsonNode contract, JsonNode schema, RestClient http, Path model,
                                                   Path data) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        schema.get("properties").properties().forEach(property -> {
            JsonNode resolved = resolve(contract, property.getValue());
            if ("uuid".equals(resolved.path("format").asString())) {
                body.put(property.getKey(), upload(http, property.getKey().startsWith("model") ? "/api/v1/models"
                        : "/api/v1/datasets", property.getKey().startsWith("model") ? model : data));
            } else {
                assertThat(resolved.has("example")).as("the example of the JSON body's %s", property.getKey())
                        .isTrue();
                body.put(property.getKey(), resolved.get("example"));
            }
        });
        return body;
    }

    private static String upload(RestClient http, String collection, Path file) {
        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("file", new FileSystemResource(file));
        return JSON.readTree(http.post().uri(collection).contentType(MediaType.MULTIPART_FORM_DATA).body(parts)
                .retrieve().body(String.class)).get("id").asString();
    }

    /** The schema itself, or the component a {@code $ref} names. */
    private static JsonNode resolve(JsonNode contract, JsonNode schema) {
        String ref = schema.path("$ref").asString(null);
        return ref == null ? schema : contract.at(ref.substring(1));
    }

    /** An example as the text a form field or parameter would hold: strings as they are, anything else as JSON. */
    private static String example(JsonNode example) {
        if (example == null || example.isMissingNode() || example.isNull()) {
            return null;
        }
        return example.isString() ? example.asString() : example.toString();
    }

    private record Call(MediaType type, Object body) {
    }

    private record Result(int status, String body) {
    }
}
