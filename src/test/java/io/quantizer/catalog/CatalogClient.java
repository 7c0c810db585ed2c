package io.quantizer.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.quantizer.storage.ObjectStore;
import io.quantizer.support.TestAuth;
import io.quantizer.storage.UploadProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to a running service over real HTTP (multipart built by hand, so tests control every header), and
 * takes stock of what an upload may leave behind: rows, stored objects, staged temp files.
 */
public final class CatalogClient {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final JdbcClient jdbc;
    private final ObjectStore store;
    private final Path tempDir;
    private final String token;

    private CatalogClient(String base, JdbcClient jdbc, ObjectStore store, Path tempDir, String token) {
        this.base = base;
        this.token = token;
        this.jdbc = jdbc;
        this.store = store;
        this.tempDir = tempDir;
    }

    /** A client for the application of a {@code RANDOM_PORT} test context. */
    public static CatalogClient of(ApplicationContext context) {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        return new CatalogClient("http://localhost:" + port, context.getBean(JdbcClient.class),
                context.getBean(ObjectStore.class), context.getBean(UploadProperties.class).tempDir(),
                TestAuth.ADMIN_KEY);
    }

    /** The same client sending {@code bearerToken} instead (null: no Authorization header). */
    public CatalogClient as(String bearerToken) {
        return new CatalogClient(base, jdbc, store, tempDir, bearerToken);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        return token == null ? request : request.header(TestAuth.AUTHORIZATION, TestAuth.bearer(token));
    }

    public ObjectStore store() {
        return store;
    }

    /** One multipart part; {@code filename} null makes it a plain field, {@code contentType} null omits it. */
    public record Part(String name, String filename, String contentType, byte[] content) {

        public static Part file(String filename, byte[] content) {
            return new Part("file", filename, "application/octet-stream", content);
        }

        public static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    public HttpResponse<String> upload(String path, Part... parts) throws IOException, InterruptedException {
        String boundary = "catalog-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part part : parts) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name() + "\""
                    + (part.filename() == null ? "" : "; filename=\"" + part.filename() + "\"") + "\r\n"
                    + (part.contentType() == null ? "" : "Content-Type: " + part.contentType() + "\r\n")
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.content());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(request(path)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> download(String path, String ifNoneMatch) throws IOException, InterruptedException {
        return downloadWith(path, ifNoneMatch == null ? new String[0] : new String[] {"If-None-Match", ifNoneMatch});
    }

    /** GET with extra request headers (name, value, name, value...). */
    public HttpResponse<byte[]> downloadWith(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** POST with a JSON body and extra request headers (name, value, name, value...). */
    public HttpResponse<String> postJson(String path, String json, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST without a body (an action such as cancel). */
    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(request(path).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** Asserts an RFC 9457 problem with this status whose detail contains {@code detailPart}. */
    public static JsonNode assertProblem(HttpResponse<String> response, int status, String detailPart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).contains(detailPart);
        return problem;
    }

    /** What uploads leave behind: rows in both tables, stored blobs, staged temp files. */
    public record Stock(long models, long datasets, List<String> blobs, List<Path> tempFiles) {
    }

    public Stock stock() throws IOException {
        long models = jdbc.sql("SELECT COUNT(*) FROM models").query(Long.class).single();
        long datasets = jdbc.sql("SELECT COUNT(*) FROM datasets").query(Long.class).single();
        List<String> blobs = store.list("blobs/").stream().sorted().toList();
        List<Path> temp;
        try (Stream<Path> files = Files.list(tempDir)) {
            temp = files.toList();
        }
        return new Stock(models, datasets, blobs, temp);
    }

    /**
     * Asserts nothing changed since {@code before}. Tomcat removes its spooled multipart files when the request
     * ends, which may be just after the response is sent, so the temp dir gets a moment to settle.
     */
    public void assertUnchanged(Stock before) throws IOException, InterruptedException {
        Stock now = stock();
        for (int i = 0; i < 50 && now.tempFiles().size() > before.tempFiles().size(); i++) {
            Thread.sleep(100);
            now = stock();
        }
        assertThat(now).isEqualTo(before);
    }
}
