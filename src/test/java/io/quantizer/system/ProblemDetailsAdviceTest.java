package io.quantizer.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.quantizer.support.TempDataDirInitializer;
import io.quantizer.support.TestAuth;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Each kind of bad request, sent over real HTTP, comes back as problem+json with a detail that says what to fix. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
@Import(ProblemDetailsAdviceTest.ProbeController.class)
class ProblemDetailsAdviceTest {

    @RestController
    static class ProbeController {

        record Settings(@NotBlank String name, @Positive int count) {
        }

        @PostMapping("/test/probe/upload")
        String upload(@RequestPart("file") MultipartFile file) {
            return file.getOriginalFilename();
        }

        @PostMapping(path = "/test/probe/multipart-only", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
        String multipartOnly(@RequestPart("file") MultipartFile file) {
            return file.getOriginalFilename();
        }

        @PostMapping("/test/probe/json")
        @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "422", description = "unusable",
                content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/problem+json"))
        Settings json(@Valid @RequestBody Settings settings) {
            return settings;
        }

        @GetMapping("/test/probe/items/{id}")
        String item(@PathVariable long id) {
            throw new ApiException.NotFound("Item", id);
        }

        @GetMapping("/test/probe/send-error")
        void sendError(jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException {
            response.sendError(409, "The probe is busy.");
        }

        @GetMapping("/test/probe/boom")
        String boom() {
            throw new IllegalStateException("secret internal state");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void missingMultipartPartNamesThePart() throws Exception {
        HttpResponse<String> response = send(multipart("/test/probe/upload", "name", "x"));

        JsonNode problem = problem(response, 400);
        assertThat(problem.get("detail").asString()).contains("'file'").contains("required");
    }

    @Test
    void nonMultipartRequestToAnUploadIs415() throws Exception {
        HttpResponse<String> response = send(json("/test/probe/upload", "{}"));

        assertThat(problem(response, 415).get("detail").asString()).contains("multipart/form-data")
                .contains("application/json");
    }

    @Test
    void wrongContentTypeIs415WithTheAcceptedType() throws Exception {
        HttpResponse<String> response = send(json("/test/probe/multipart-only", "{}"));

        assertThat(problem(response, 415).get("detail").asString()).contains("multipart/form-data");
    }

    @Test
    void malformedJsonIs400WithWhereItBroke() throws Exception {
        HttpResponse<String> response = send(json("/test/probe/json", "{\"name\": \"a\", \"count\": "));

        assertThat(problem(response, 400).get("detail").asString()).contains("not valid JSON").contains("line 1");
    }

    @Test
    void wronglyTypedJsonFieldIs400NamingTheField() throws Exception {
        HttpResponse<String> response = send(json("/test/probe/json", "{\"name\": \"a\", \"count\": \"many\"}"));

        assertThat(problem(response, 400).get("detail").asString()).contains("'count'");
    }

    @Test
    void missingBodyIs400() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/probe/json"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(problem(response, 400).get("detail").asString()).contains("body is missing");
    }

    @Test
    void invalidFieldsAreListed() throws Exception {
        HttpResponse<String> response = send(json("/test/probe/json", "{\"name\": \"\", \"count\": -1}"));

        JsonNode problem = problem(response, 400);
        assertThat(problem.get("detail").asString()).contains("2 invalid fields");
        assertThat(problem.get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("name", "count");
    }

    @Test
    void badPathVariableIs400() throws Exception {
        HttpResponse<String> response = send(get("/test/probe/items/abc"));

        assertThat(problem(response, 400).get("detail").asString()).contains("'abc'").contains("'id'")
                .contains("long");
    }

    @Test
    void apiExceptionsRenderAsThrown() throws Exception {
        HttpResponse<String> response = send(get("/test/probe/items/42"));

        JsonNode problem = problem(response, 404);
        assertThat(problem.get("type").asString()).isEqualTo("https://quantizer.io/problems/not-found");
        assertThat(problem.get("detail").asString()).isEqualTo("No item with id 42 exists.");
        assertThat(problem.get("instance").asString()).isEqualTo("/test/probe/items/42");
    }

    @Test
    void unknownRouteIs404() throws Exception {
        HttpResponse<String> response = send(get("/api/v1/nothing-here"));

        assertThat(problem(response, 404).get("detail").asString()).contains("GET /api/v1/nothing-here");
    }

    @Test
    void wrongMethodIs405WithTheAllowedOnes() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/probe/json")).DELETE().build());

        assertThat(problem(response, 405).get("detail").asString()).contains("DELETE").contains("POST");
        assertThat(response.headers().firstValue("Allow")).contains("POST");
    }

    @Test
    void unexpectedErrorsAre500WithoutInternals() throws Exception {
        HttpResponse<String> response = send(get("/test/probe/boom"));

        JsonNode problem = problem(response, 500);
        assertThat(problem.get("detail").asString()).contains("logged with id");
        assertThat(response.body()).doesNotContain("secret internal state", "IllegalStateException", "at io.");
    }

    @Test
    void errorsSentPastSpringMvcAreProblemsToo() throws Exception {
        HttpResponse<String> response = send(get("/test/probe/send-error"));

        JsonNode problem = problem(response, 409);
        assertThat(problem.get("detail").asString()).isEqualTo("The probe is busy.");
        assertThat(problem.get("instance").asString()).isEqualTo("/test/probe/send-error");
    }

    @Test
    void problemsAreJsonEvenWhenTheClientAsksForBytes() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/probe/items/7"))
                .header("Accept", "application/octet-stream").GET().build());

        assertThat(problem(response, 404).get("detail").asString()).contains("7");
    }

    /**
     * Requests Tomcat rejects before any servlet runs: Java's HTTP client will not send them, so they go over a raw
     * socket. Each is answered with problem+json, and the server keeps serving.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/models/%zz", "/api/v1/models/%", "/api/v1/models/a|b"})
    void urlsTomcatRejectsAreProblemsToo(String target) throws Exception {
        String[] response = raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(response[0]).startsWith("HTTP/1.1 400");
        assertThat(response[1]).containsIgnoringCase("content-type: application/problem+json");
        JsonNode problem = JSON.readTree(response[2]);
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("title").asString()).isEqualTo("Bad Request");
        assertThat(problem.get("detail").asString()).contains("rejected the request").contains("percent-escapes");
        assertThat(send(get("/api/v1/models")).statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedHeadersAreProblemsToo() throws Exception {
        String[] response = raw("GET /api/v1/models HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
                + "a".repeat(64 * 1024) + "\r\nConnection: close\r\n\r\n");

        assertThat(response[0]).startsWith("HTTP/1.1 400");
        assertThat(response[1]).containsIgnoringCase("content-type: application/problem+json");
        assertThat(JSON.readTree(response[2]).get("detail").asString()).contains("size of the headers");
    }

    /** Sends {@code request} as bytes; returns the status line, the header block and the body. */
    private String[] raw(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headersEnd = text.indexOf("\r\n\r\n");
            String head = text.substring(0, headersEnd);
            return new String[] {head.substring(0, head.indexOf("\r\n")), head, text.substring(headersEnd + 4)};
        }
    }

    @Test
    void openApiDocumentsProblemJsonAsEveryOperationsDefaultResponse() throws Exception {
        JsonNode docs = JSON.readTree(send(get("/v3/api-docs")).body());

        JsonNode response = docs.at("/paths/~1test~1probe~1json/post/responses/default/content");
        assertThat(response.at("/application~1problem+json/schema/$ref").asString())
                .isEqualTo("#/components/schemas/Problem");
        assertThat(docs.at("/components/schemas/Problem/properties").propertyNames())
                .contains("type", "title", "status", "detail", "instance", "errors");
        JsonNode post = docs.at("/paths/~1test~1probe~1json/post");
        assertThat(post.at("/responses/422/content/application~1problem+json/schema/$ref").asString())
                .isEqualTo("#/components/schemas/Problem");
        assertThat(post.get("operationId").asString()).isEqualTo("jsonProbe");
    }

    private JsonNode problem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        return problem;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).header(TestAuth.AUTHORIZATION, TestAuth.admin()).GET().build();
    }

    private HttpRequest json(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).header(TestAuth.AUTHORIZATION, TestAuth.admin()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest multipart(String path, String field, String value) {
        String boundary = "probe-boundary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value
                + "\r\n--" + boundary + "--\r\n";
        return HttpRequest.newBuilder(uri(path)).header(TestAuth.AUTHORIZATION, TestAuth.admin())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
