package io.quantizer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.DecoderModels;
import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.UploadProperties;
import io.quantizer.support.TempDataDirInitializer;
import io.quantizer.support.TestAuth;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Uploading a model with its external-data files in one request: a good one is stored with every file, and
 * every hostile one (a location that escapes, a missing file, bytes outside the file, an extra file, too many
 * bytes) is refused with problem+json, leaving no row, no object and no temp file.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"quantizer.upload.max-size=256KB", "quantizer.upload.max-model-size=600KB"})
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class ExternalDataUploadTest {

    private static final DecoderModels.Shape SHAPE = new DecoderModels.Shape(256, 64, 128, 2);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    ObjectStore store;
    @Autowired
    UploadProperties upload;
    @TempDir
    Path dir;

    private Path model;
    private Path embedding;
    private Path weights;

    @BeforeEach
    void decoder() throws Exception {
        model = DecoderModels.write(dir, SHAPE, 5);
        embedding = dir.resolve(DecoderModels.EMBEDDING_FILE);
        weights = dir.resolve(DecoderModels.WEIGHTS_FILE);
    }

    @Test
    void aModelWithItsExternalDataIsStoredWithEveryFileAndServesThem() throws Exception {
        HttpResponse<String> response = StreamedMultipart.uploadModel(port, model, List.of(embedding, weights));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(response.body());
        assertThat(created.get("externalData")).hasSize(2);
        assertThat(created.at("/externalData/0/name").asString()).isEqualTo(DecoderModels.EMBEDDING_FILE);
        assertThat(created.at("/externalData/0/sizeBytes").asLong()).isEqualTo(Files.size(embedding));
        assertThat(created.at("/externalData/1/name").asString()).isEqualTo(DecoderModels.WEIGHTS_FILE);
        assertThat(created.get("parameterCount").asLong()).isEqualTo(SHAPE.weightBytes() / 4);
        String id = created.get("id").asString();
        HttpResponse<byte[]> download = get("/api/v1/models/" + id + "/external-data/" + DecoderModels.WEIGHTS_FILE);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(Files.readAllBytes(weights));
        assertThat(get("/api/v1/models/" + id + "/external-data/other.bin").statusCode()).isEqualTo(404);

        List<String> blobsBefore = store.list("blobs/");
        HttpResponse<byte[]> deleted = send(HttpRequest.newBuilder(uri("/api/v1/models/" + id))
                .header(TestAuth.AUTHORIZATION, TestAuth.admin()).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(store.list("blobs/")).as("the model's and its data files' blobs are gone")
                .hasSize(blobsBefore.size() - 3);
    }

    @Test
    void aLocationThatEscapesTheModelsDirectoryIsRefused() throws Exception {
        assertRefused(422, tampered(t -> location(t, "../" + DecoderModels.WEIGHTS_FILE)),
                List.of(embedding, weights), "another directory");
        assertRefused(422, tampered(t -> location(t, "/etc/passwd")), List.of(embedding, weights),
                "absolute path");
        assertRefused(422, tampered(t -> location(t, "C:\\\\weights.bin")), List.of(embedding, weights),
                "absolute path");
        assertRefused(422, tampered(t -> location(t, "weights.bin\n")), List.of(embedding, weights),
                "not a plain file name");
    }

    @Test
    void aReferencedFileThatWasNotUploadedIsRefused() throws Exception {
        assertRefused(422, model, List.of(weights), "'" + DecoderModels.EMBEDDING_FILE + "' was not uploaded");
    }

    @Test
    void anOffsetOrLengthOutsideTheFileIsRefused() throws Exception {
        long size = Files.size(weights);
        assertRefused(422, tampered(t -> entry(t, "offset", Long.toString(size - 8))), List.of(embedding, weights),
                "outside the file");
        assertRefused(422, tampered(t -> entry(t, "length", "12")), List.of(embedding, weights),
                "but its shape needs");
        assertRefused(422, tampered(t -> entry(t, "offset", "-4")), List.of(embedding, weights), "negative");
    }

    @Test
    void anUnreferencedOrBadlyNamedFileIsRefused() throws Exception {
        Path extra = Files.write(dir.resolve("notes.bin"), new byte[10]);
        assertRefused(422, model, List.of(embedding, weights, extra), "no tensor references the uploaded file(s) "
                + "notes.bin");
        Path onnx = Files.copy(weights, dir.resolve("second.onnx"));
        assertRefused(422, model, List.of(embedding, weights, onnx), "names an .onnx file");
    }

    @Test
    void filesOverTheCapsAreRefusedWith413() throws Exception {
        Path big = Files.write(dir.resolve("big.bin"), new byte[(int) upload.maxSize().toBytes() + 1]);
        assertRefused(413, model, List.of(embedding, weights, big), "");
        // each under max-size, together over max-model-size
        List<Path> many = new java.util.ArrayList<>(List.of(embedding, weights));
        for (int i = 0; i < 3; i++) {
            many.add(Files.write(dir.resolve("part" + i + ".bin"), new byte[(int) upload.maxSize().toBytes() - 10]));
        }
        assertRefused(413, model, many, "");
    }

    private void assertRefused(int status, Path onnx, List<Path> data, String detail) throws Exception {
        List<String> blobsBefore = store.list("blobs/");
        long modelsBefore = modelCount();

        HttpResponse<String> response = StreamedMultipart.uploadModel(port, onnx, data);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("detail").asString()).contains(detail);
        if (status == 422) {
            assertThat(problem.get("type").asString()).endsWith("/invalid-external-data");
        }
        assertThat(store.list("blobs/")).containsExactlyInAnyOrderElementsOf(blobsBefore);
        assertThat(modelCount()).isEqualTo(modelsBefore);
        assertTempDirEmpty();
    }

    /** The model with its first MatMul weight's external-data entries changed by {@code edit}. */
    private Path tampered(UnaryOperator<TensorProto.Builder> edit) throws Exception {
        ModelProto original = ModelProto.parseFrom(Files.readAllBytes(model));
        int index = 3; // layer0.up, a weight in weights.bin
        TensorProto.Builder tensor = edit.apply(original.getGraph().getInitializer(index).toBuilder());
        ModelProto hostile = original.toBuilder().setGraph(original.getGraph().toBuilder()
                .setInitializer(index, tensor)).build();
        return Files.write(dir.resolve("hostile.onnx"), hostile.toByteArray());
    }

    private static TensorProto.Builder location(TensorProto.Builder t, String location) {
        return entry(t, "location", location);
    }

    private static TensorProto.Builder entry(TensorProto.Builder t, String key, String value) {
        for (int i = 0; i < t.getExternalDataCount(); i++) {
            if (t.getExternalData(i).getKey().equals(key)) {
                return t.setExternalData(i, StringStringEntryProto.newBuilder().setKey(key).setValue(value));
            }
        }
        return t.addExternalData(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private long modelCount() throws Exception {
        return JSON.readTree(new String(get("/api/v1/models").body())).get("totalElements").asLong();
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header(TestAuth.AUTHORIZATION, TestAuth.admin()).GET().build());
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws Exception {
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private void assertTempDirEmpty() throws Exception {
        List<Path> left = List.of();
        for (int i = 0; i < 50; i++) {
            try (Stream<Path> files = Files.list(upload.tempDir())) {
                left = files.toList();
            }
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(left).as("temp files left behind").isEmpty();
    }
}
