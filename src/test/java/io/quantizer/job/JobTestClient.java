package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

import io.quantizer.support.TestAuth;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Talks to a running service over HTTP the way a client would: uploads, submits, polls. For integration tests. */
public final class JobTestClient {

    public static final String JOBS = "/api/v1/quantization-jobs";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final RestClient http;

    /** A client authenticated with the test contexts' admin key. */
    public JobTestClient(int port) {
        this(port, TestAuth.ADMIN_KEY);
    }

    /** A client that sends {@code bearerToken}. */
    public JobTestClient(int port, String bearerToken) {
        this.http = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultHeader(TestAuth.AUTHORIZATION, TestAuth.bearer(bearerToken)).build();
    }

    /** One HTTP exchange: status, headers and the body as text (and as JSON when it is JSON). */
    public record Response(int status, HttpHeaders headers, byte[] body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        public String detail() {
            return json().path("detail").asString();
        }
    }

    public UUID uploadModel(byte[] onnx, String name) {
        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("file", new ByteArrayResource(onnx) {
            @Override
            public String getFilename() {
                return name;
            }
        });
        Response response = multipart("/api/v1/models", parts);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return UUID.fromString(response.json().get("id").asString());
    }

    public UUID uploadDataset(Path file) {
        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("file", new FileSystemResource(file));
        Response response = multipart("/api/v1/datasets", parts);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return UUID.fromString(response.json().get("id").asString());
    }

    public Response submit(Map<String, ?> body) {
        return submit(JSON.writeValueAsString(body), null);
    }

    public Response submit(String jsonBody, String idempotencyKey) {
        return http.post().uri(JOBS).contentType(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    if (idempotencyKey != null) {
                        h.set("Idempotency-Key", idempotencyKey);
                    }
                })
                .body(jsonBody)
                .exchange((request, response) -> new Response(response.getStatusCode().value(),
                        response.getHeaders(), response.getBody().readAllBytes()));
    }

    public Response multipart(String path, MultiValueMap<String, Object> parts) {
        return http.post().uri(path).contentType(MediaType.MULTIPART_FORM_DATA).body(parts)
                .exchange((request, response) -> new Response(response.getStatusCode().value(),
                        response.getHeaders(), response.getBody().readAllBytes()));
    }

    public Response get(String path) {
        return http.get().uri(path).exchange((request, response) -> new Response(response.getStatusCode().value(),
                response.getHeaders(), response.getBody().readAllBytes()));
    }

    public Response post(String path) {
        return http.post().uri(path).exchange((request, response) -> new Response(response.getStatusCode().value(),
                response.getHeaders(), response.getBody().readAllBytes()));
    }

    public Response delete(String path) {
        return http.delete().uri(path).exchange((request, response) -> new Response(
                response.getStatusCode().value(), response.getHeaders(), response.getBody().readAllBytes()));
    }

    public JsonNode job(UUID id) {
        Response response = get(JOBS + "/" + id);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    /** Polls the job every 100 ms until {@code condition} holds; fails with the last state seen after {@code timeout}. */
    public JsonNode await(UUID id, Predicate<JsonNode> condition, Duration timeout) throws InterruptedException {
        return await(id, condition, timeout, Duration.ofMillis(100));
    }

    /** Polls the job every {@code interval} until {@code condition} holds; fails after {@code timeout}. */
    public JsonNode await(UUID id, Predicate<JsonNode> condition, Duration timeout, Duration interval)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = job(id);
        while (!condition.test(job)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not reach the expected state within " + timeout
                        + "; last seen: " + job);
            }
            Thread.sleep(interval.toMillis());
            job = job(id);
        }
        return job;
    }

    public JsonNode awaitStatus(UUID id, String status, Duration timeout) throws InterruptedException {
        return await(id, j -> status.equals(j.path("status").asString()), timeout);
    }

    public static boolean finished(JsonNode job) {
        return switch (job.path("status").asString()) {
            case "SUCCEEDED", "FAILED", "CANCELLED" -> true;
            default -> false;
        };
    }
}
