package io.quantizer.system;

import static io.quantizer.catalog.CatalogClient.assertProblem;
import static io.quantizer.catalog.CatalogClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

import io.quantizer.catalog.CatalogClient;
import io.quantizer.catalog.CatalogClient.Part;
import io.quantizer.engine.data.NumpyFixtures;
import io.quantizer.model.onnx.ManyInputsModel;
import io.quantizer.model.onnx.OnnxTestModels;
import io.quantizer.support.TempDataDirInitializer;
import io.quantizer.support.TestAuth;

/**
 * Requests a hostile client sends to waste memory or fool the catalog: oversized JSON and text parts, a model
 * graph of a million inputs, data sets that claim samples they do not hold. Each gets its 4xx problem+json
 * naming what to fix, stores nothing (no row, no blob, no staged file), and the service goes on serving.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "quantizer.worker.enabled=false")
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class HostileRequestsTest {

    private static final String JOBS = "/api/v1/quantization-jobs";
    private static final int MAX_JSON = 64 * 1024;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path dir;

    private CatalogClient api;

    @BeforeEach
    void connect() {
        api = CatalogClient.of(context);
    }

    @Test
    void aJsonSubmitOf31MegabytesIs413FromItsContentLength() throws Exception {
        Stock before = stock();

        HttpResponse<String> response = postJson(submitBody(31 << 20), false);

        assertProblem(response, 413, "The request body (" + submitBody(31 << 20).length + " bytes declared) is "
                + "over the limit of " + MAX_JSON + " bytes").get("detail").asString();
        assertThat(json(response).get("detail").asString()).contains("quantizer.api.max-json-size");
        assertUnchangedAndServing(before);
    }

    @Test
    void aChunkedJsonSubmitOverTheCapIs413AfterReadingOnlyTheCap() throws Exception {
        Stock before = stock();

        HttpResponse<String> response = postJson(submitBody(4 << 20), true);

        assertProblem(response, 413, "The chunked request body is over the limit of " + MAX_JSON + " bytes");
        assertUnchangedAndServing(before);
    }

    @Test
    void aChunkedJsonSubmitUnderTheCapIsReadAsUsual() throws Exception {
        String modelId = json(api.upload("/api/v1/models", Part.file("m.onnx", OnnxTestModels.linear()
                .toByteArray()))).get("id").asString();
        String datasetId = json(api.upload("/api/v1/datasets", Part.file("d.npy",
                NumpyFixtures.float32(new float[6], 2, 3)))).get("id").asString();
        String body = "{\"modelId\": \"" + modelId + "\", \"calibrationDatasetId\": \"" + datasetId + "\"}";

        HttpResponse<String> response = postJson(body.getBytes(StandardCharsets.UTF_8), true);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("modelId").asString()).isEqualTo(modelId);
    }

    @Test
    void aRecipeFormFieldOverTheCapIs413AndNothingIsStaged() throws Exception {
        Stock before = stock();

        HttpResponse<String> response = api.upload(JOBS, new Part("model", "m.onnx", "application/octet-stream",
                        OnnxTestModels.linear().toByteArray()),
                new Part("calibration", "d.npy", "application/octet-stream", NumpyFixtures.float32(new float[3], 3)),
                Part.field("recipe", hugeRecipe()));

        assertProblem(response, 413, "The multipart text parts (form fields) together are over the limit of "
                + MAX_JSON + " bytes").get("detail").asString();
        assertUnchangedAndServing(before);
    }

    @Test
    void aRecipePartSentAsAFileOverTheCapIs413BeforeItIsRead() throws Exception {
        Stock before = stock();

        // with a file name the part is spooled like a file, so the container's form-field cap does not see it
        HttpResponse<String> response = api.upload(JOBS, new Part("model", "m.onnx", "application/octet-stream",
                        OnnxTestModels.linear().toByteArray()),
                new Part("calibration", "d.npy", "application/octet-stream", NumpyFixtures.float32(new float[3], 3)),
                new Part("recipe", "recipe.json", "application/json",
                        hugeRecipe().getBytes(StandardCharsets.UTF_8)));

        assertProblem(response, 413, "The multipart part 'recipe' (" + hugeRecipe().length() + " bytes) is over "
                + "the limit of " + MAX_JSON + " bytes");
        assertUnchangedAndServing(before);
    }

    @Test
    void aModelNameOverTheCapIs413() throws Exception {
        Stock before = stock();

        HttpResponse<String> response = api.upload("/api/v1/models",
                Part.file("m.onnx", OnnxTestModels.linear().toByteArray()),
                new Part("name", "name.txt", "text/plain", new byte[MAX_JSON + 1]));

        assertProblem(response, 413, "The multipart part 'name' (" + (MAX_JSON + 1) + " bytes) is over the limit");
        assertUnchangedAndServing(before);
    }

    @Test
    void aModelWhoseGraphDeclaresAMillionInputsIs422NamingTheLimit() throws Exception {
        Path model = ManyInputsModel.write(dir.resolve("million.onnx"), 1_000_000);
        Stock before = stock();

        HttpResponse<String> response = api.upload("/api/v1/models",
                Part.file("million.onnx", Files.readAllBytes(model)));

        var problem = assertProblem(response, 422, "more than 10000 graph inputs");
        assertThat(problem.get("type").asString()).endsWith("/invalid-model");
        assertThat(problem.get("detail").asString()).contains("quantizer.models.onnx.max-inputs");
        assertUnchangedAndServing(before);
    }

    @Test
    void aDataSetOfHollowSamplesIs422() throws Exception {
        Stock before = stock();
        byte[] hollow = NumpyFixtures.npy("<f4", new long[] {1_000_000_000_000_000_000L, 0, 28, 28}, false, 1,
                new byte[0]);
        Path npz = NumpyFixtures.npz(dir.resolve("hollow.npz"), Map.of("input.npy", hollow), true);

        HttpResponse<String> response = api.upload("/api/v1/datasets", Part.file("hollow.npz", Files.readAllBytes(npz)));

        assertProblem(response, 422, "0 in dimension 1");
        assertThat(json(response).get("detail").asString()).contains("every dimension after the first");
        assertUnchangedAndServing(before);
    }

    @Test
    void aDataSetWhoseSampleCountCannotBeInTheFileIs422() throws Exception {
        Stock before = stock();
        byte[] claims = NumpyFixtures.npy("<f4", new long[] {1_000_000_000L, 28, 28}, false, 1, new byte[64]);
        Path npz = NumpyFixtures.npz(dir.resolve("claims.npz"), Map.of("input.npy", claims), false);

        HttpResponse<String> response = api.upload("/api/v1/datasets", Part.file("claims.npz",
                Files.readAllBytes(npz)));

        assertProblem(response, 422, "promises");
        assertUnchangedAndServing(before);
    }

    @Test
    void anArchiveOfAHundredThousandEntriesIs422FromItsDirectoryRecord() throws Exception {
        Stock before = stock();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < 100_000; i++) {
                zip.putNextEntry(new ZipEntry("a" + i + ".npy"));
                zip.closeEntry();
            }
        }

        HttpResponse<String> response = api.upload("/api/v1/datasets", Part.file("many.npz", bytes.toByteArray()));

        assertProblem(response, 422, "declares 100000 entries, more than 1024 entries");
        assertThat(json(response).get("detail").asString()).contains("quantizer.datasets.npz.max-entries");
        assertUnchangedAndServing(before);
    }

    /** Catalog stock plus the number of jobs: everything a refused request must leave as it was. */
    private record Stock(CatalogClient.Stock catalog, long jobs) {
    }

    private Stock stock() throws IOException {
        return new Stock(api.stock(), jdbc.sql("SELECT COUNT(*) FROM quantization_jobs").query(Long.class).single());
    }

    private void assertUnchangedAndServing(Stock before) throws Exception {
        api.assertUnchanged(before.catalog());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM quantization_jobs").query(Long.class).single())
                .isEqualTo(before.jobs());
        HttpResponse<String> models = api.get("/api/v1/models");
        assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
        HttpResponse<String> normal = postJson(("{\"modelId\": \"" + java.util.UUID.randomUUID()
                + "\", \"calibrationDatasetId\": \"" + java.util.UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8), false);
        // a well-formed submit naming no stored model is read and answered on its merits
        assertProblem(normal, 422, "no model with id");
    }

    /** A submit whose recipe carries a long unknown string, {@code size} bytes in all. */
    private static byte[] submitBody(int size) {
        String head = "{\"modelId\": \"" + java.util.UUID.randomUUID() + "\", \"calibrationDatasetId\": \""
                + java.util.UUID.randomUUID() + "\", \"recipe\": {\"note\": \"";
        String tail = "\"}}";
        return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static String hugeRecipe() {
        return "{\"note\": \"" + "x".repeat(100_000) + "\"}";
    }

    private HttpResponse<String> postJson(byte[] body, boolean chunked) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = chunked
                // a publisher of unknown length makes the client send Transfer-Encoding: chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + JOBS))
                .header(TestAuth.AUTHORIZATION, TestAuth.admin()).header("Content-Type", "application/json").POST(publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
