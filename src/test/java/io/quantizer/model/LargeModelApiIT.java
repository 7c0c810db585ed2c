package io.quantizer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.TestData;
import io.quantizer.engine.onnx.DecoderModels;
import io.quantizer.engine.runtime.Ort;
import io.quantizer.job.JobTestClient;
import io.quantizer.support.IntegrationTest;
import io.quantizer.support.TestAuth;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model of a couple of hundred megabytes in external-data form, generated here, goes through the whole service:
 * uploaded with its two data files in one streamed request, quantized by the worker's engine child, evaluated by
 * ONNX Runtime from files, and published as a model plus its own data file, which the client downloads through
 * the artifact listing and runs.
 */
@IntegrationTest
class LargeModelApiIT {

    /** About 214 MB of fp32 weights: an 8192-token embedding and ten 768x3072 MLP blocks. */
    private static final DecoderModels.Shape SHAPE = new DecoderModels.Shape(8192, 768, 3072, 10);
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    @Test
    void aModelWithExternalDataIsUploadedQuantizedEvaluatedAndDownloadedAsSeveralFiles() throws Exception {
        Path model = DecoderModels.write(dir.resolve("fp32"), SHAPE, 21);
        List<Path> data = List.of(model.resolveSibling(DecoderModels.EMBEDDING_FILE),
                model.resolveSibling(DecoderModels.WEIGHTS_FILE));
        JobTestClient client = new JobTestClient(port);

        HttpResponse<String> uploaded = StreamedMultipart.uploadModel(port, model, data);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(uploaded.body());
        assertThat(created.get("externalData")).hasSize(2);
        assertThat(created.get("parameterCount").asLong()).isEqualTo(SHAPE.weightBytes() / 4);
        UUID calibration = client.uploadDataset(new TestData()
                .longs("input_ids", DecoderModels.tokenIds(16, 16, SHAPE.vocab(), 3), 16, 16)
                .write(dir.resolve("calibration.npz")));

        JobTestClient.Response submitted = client.submit(Map.of("modelId", created.get("id").asString(),
                "calibrationDatasetId", calibration));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        UUID id = UUID.fromString(submitted.json().get("id").asString());
        JsonNode done = client.await(id, JobTestClient::finished, JOB_TIMEOUT, Duration.ofSeconds(1));

        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode result = done.get("result");
        assertThat(result.at("/evaluation/outputs/0/cosine").asDouble()).isGreaterThanOrEqualTo(0.99);
        assertThat(result.at("/evaluation/quantized/sizeBytes").asLong())
                .isLessThan(result.at("/evaluation/fp32/sizeBytes").asLong() / 3);
        assertThat(result.at("/evaluation/fp32/sizeBytes").asLong()).isEqualTo(Files.size(model)
                + Files.size(data.get(0)) + Files.size(data.get(1)));

        JobTestClient.Response listing = client.get(done.at("/links/artifacts").asString());
        assertThat(listing.status()).as(listing.text()).isEqualTo(200);
        assertThat(listing.json().get("jobId").asString()).isEqualTo(id.toString());
        JsonNode files = listing.json().get("files");
        assertThat(files).hasSize(2);
        assertThat(files.at("/0/name").asString()).isEqualTo("model.int8.onnx");
        assertThat(files.at("/1/name").asString()).isEqualTo("model.int8.onnx.data");
        assertThat(result.get("artifacts")).isEqualTo(JSON.readTree(JSON.writeValueAsString(
                List.of(strip(files.get(0)), strip(files.get(1))))));
        Path out = Files.createDirectories(dir.resolve("int8"));
        for (JsonNode file : files) {
            Path target = out.resolve(file.get("name").asString());
            HttpResponse<Path> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + file.get("href").asString()))
                    .header(TestAuth.AUTHORIZATION, TestAuth.admin()).build(),
                    HttpResponse.BodyHandlers.ofFile(target));
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(Files.size(target)).isEqualTo(file.get("sizeBytes").asLong());
            assertThat(sha256(target)).isEqualTo(file.get("sha256").asString());
        }
        assertThat(client.get(JobTestClient.JOBS + "/" + id + "/artifacts/report.json").status()).isEqualTo(404);
        assertThat(client.get(JobTestClient.JOBS + "/" + id + "/artifact").body())
                .isEqualTo(Files.readAllBytes(out.resolve("model.int8.onnx")));

        // what the client received runs from its files, with its data file beside it
        try (OrtSession session = Ort.environment().createSession(out.resolve("model.int8.onnx").toString());
             OnnxTensor ids = OnnxTensor.createTensor(Ort.environment(), new long[][] {{1, 2, 3, 4}});
             OrtSession.Result output = session.run(Map.of("input_ids", ids))) {
            float[][][] hidden = (float[][][]) output.get(0).getValue();
            assertThat(hidden[0]).hasNumberOfRows(4);
            assertThat(hidden[0][0]).hasSize(SHAPE.hidden());
        }
    }

    private static Map<String, Object> strip(JsonNode link) {
        return Map.of("name", link.get("name").asString(), "sizeBytes", link.get("sizeBytes").asLong(),
                "sha256", link.get("sha256").asString());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
