package io.quantizer.model;

import static io.quantizer.catalog.CatalogClient.assertProblem;
import static io.quantizer.catalog.CatalogClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl;
import io.quantizer.catalog.CatalogApiTestBase;
import io.quantizer.catalog.CatalogClient;
import io.quantizer.catalog.CatalogClient.Part;
import io.quantizer.model.onnx.OnnxTestModels;
import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

/** The models API end to end on PostgreSQL and S3 (S3Mock), every bad input included. */
@IntegrationTest
class ModelApiIT extends CatalogApiTestBase {

    @Test
    void uploadReadListDownloadAndDelete() throws Exception {
        byte[] bytes = uniqueLinearModel();

        HttpResponse<String> created = api.upload("/api/v1/models", Part.file("linear.onnx", bytes),
                Part.field("name", "my linear model"));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode model = json(created);
        String id = model.get("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/models/" + id);
        assertThat(model.get("name").asString()).isEqualTo("my linear model");
        assertThat(model.get("sha256").asString()).isEqualTo(sha256(bytes));
        assertThat(model.get("sizeBytes").asLong()).isEqualTo(bytes.length);
        assertThat(model.get("irVersion").asLong()).isEqualTo(8);
        assertThat(model.get("opsets").get("ai.onnx").asLong()).isEqualTo(13);
        assertThat(model.get("producerName").asString()).isEqualTo("quantizer-tests");
        assertThat(model.get("parameterCount").asLong()).isEqualTo(16);
        assertThat(model.get("inputs").get(0).get("name").asString()).isEqualTo("x");
        assertThat(model.get("inputs").get(0).get("elementType").asString()).isEqualTo("float32");
        assertThat(model.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,3]");
        assertThat(model.get("inputs").get(0).get("dimNames").toString()).isEqualTo("[\"batch\",null]");
        assertThat(model.get("outputs").get(0).get("name").asString()).isEqualTo("y");
        assertThat(model.get("operatorCounts").get("MatMul").asLong()).isEqualTo(1);
        assertThat(model.get("createdAt").asString()).isNotBlank();
        assertThat(store.exists(ContentAddressedBlobs.keyFor(sha256(bytes)))).isTrue();

        HttpResponse<String> fetched = api.get("/api/v1/models/" + id);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(json(fetched)).isEqualTo(model);

        HttpResponse<byte[]> content = api.download("/api/v1/models/" + id + "/content", null);
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body()).isEqualTo(bytes);
        assertThat(content.headers().firstValue("ETag")).hasValue("\"" + sha256(bytes) + "\"");
        assertThat(content.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                d -> assertThat(d).startsWith("attachment").contains("my linear model.onnx"));
        assertThat(content.headers().firstValue("Content-Length")).hasValue(String.valueOf(bytes.length));
        assertThat(api.download("/api/v1/models/" + id + "/content", "\"" + sha256(bytes) + "\"").statusCode())
                .isEqualTo(304);
        HttpResponse<byte[]> part = api.downloadWith("/api/v1/models/" + id + "/content", "Range", "bytes=10-19");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 10, 20));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 10-19/" + bytes.length);
        HttpResponse<byte[]> manyParts = api.downloadWith("/api/v1/models/" + id + "/content", "Range",
                "bytes=0-,10-19,0-0,1-1,2-2");
        assertThat(manyParts.statusCode()).isEqualTo(200);
        assertThat(manyParts.body()).isEqualTo(bytes);
        HttpResponse<byte[]> pastTheEnd = api.downloadWith("/api/v1/models/" + id + "/content", "Range",
                "bytes=" + bytes.length + "-");
        assertThat(pastTheEnd.statusCode()).isEqualTo(416);
        assertThat(pastTheEnd.headers().firstValue("Content-Range")).hasValue("bytes */" + bytes.length);

        assertThat(api.delete("/api/v1/models/" + id).statusCode()).isEqualTo(204);
        assertProblem(api.get("/api/v1/models/" + id), 404, id);
        assertProblem(api.delete("/api/v1/models/" + id), 404, id);
        assertThat(store.exists(ContentAddressedBlobs.keyFor(sha256(bytes)))).isFalse();
    }

    @Test
    void listsNewestFirstInPages() throws Exception {
        String older = json(api.upload("/api/v1/models", Part.file("a.onnx", uniqueLinearModel()))).get("id")
                .asString();
        String newer = json(api.upload("/api/v1/models", Part.file("b.onnx", uniqueLinearModel()))).get("id")
                .asString();

        JsonNode first = json(api.get("/api/v1/models?page=0&size=1"));
        JsonNode second = json(api.get("/api/v1/models?page=1&size=1"));

        assertThat(first.get("items").get(0).get("id").asString()).isEqualTo(newer);
        assertThat(first.get("items").get(0).get("name").asString()).isEqualTo("b.onnx");
        assertThat(second.get("items").get(0).get("id").asString()).isEqualTo(older);
        assertThat(first.get("size").asInt()).isEqualTo(1);
        assertThat(first.get("totalElements").asLong()).isGreaterThanOrEqualTo(2);
        assertProblem(api.get("/api/v1/models?size=0"), 400, "size");
        assertProblem(api.get("/api/v1/models?size=101"), 400, "size");
        assertProblem(api.get("/api/v1/models?page=-1"), 400, "page");
    }

    @Test
    void sameBytesTwiceAreStoredOnceAndKeptUntilTheLastRowGoes() throws Exception {
        byte[] bytes = uniqueLinearModel();
        String key = ContentAddressedBlobs.keyFor(sha256(bytes));
        long blobsBefore = store.list("blobs/").size();

        String first = json(api.upload("/api/v1/models", Part.file("m.onnx", bytes))).get("id").asString();
        String second = json(api.upload("/api/v1/models", Part.file("m.onnx", bytes))).get("id").asString();

        assertThat(first).isNotEqualTo(second);
        assertThat(store.list("blobs/")).hasSize((int) blobsBefore + 1).contains(key);
        assertThat(api.delete("/api/v1/models/" + first).statusCode()).isEqualTo(204);
        assertThat(store.exists(key)).isTrue();
        assertThat(api.download("/api/v1/models/" + second + "/content", null).body()).isEqualTo(bytes);
        assertThat(api.delete("/api/v1/models/" + second).statusCode()).isEqualTo(204);
        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void refusesFilesThatAreNotUsableModelsLeavingNothingBehind() throws Exception {
        byte[] random = new byte[10_000];
        new Random(7).nextBytes(random);
        byte[] whole = uniqueLinearModel();
        OnnxMl.TensorProto external = OnnxMl.TensorProto.newBuilder().setName("W").setDataType(OnnxTestModels.FLOAT)
                .addDims(3).addDims(4).setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                .build();
        byte[] externalData = OnnxTestModels.model(OnnxTestModels.linear().getGraph().toBuilder()
                .setInitializer(0, external).build(), 8, 13).toByteArray();
        CatalogClient.Stock before = api.stock();

        assertInvalid(random, "Not a valid ONNX model");
        assertInvalid(Arrays.copyOf(whole, whole.length / 2), "ends in the middle");
        assertInvalid(new byte[0], "empty");
        // a model with external data needs its data files in the same request
        JsonNode missing = assertProblem(api.upload("/api/v1/models", Part.file("bad.onnx", externalData)), 422,
                "its file 'w.bin' was not uploaded with the model");
        assertThat(missing.get("type").asString()).endsWith("/invalid-external-data");
        api.assertUnchanged(before);
    }

    @Test
    void refusesMalformedRequests() throws Exception {
        CatalogClient.Stock before = api.stock();

        assertProblem(api.upload("/api/v1/models", Part.field("name", "no file")), 400, "'file'");
        assertProblem(api.upload("/api/v1/models", Part.file("m.onnx", uniqueLinearModel()),
                Part.field("name", "x".repeat(300))), 400, "at most 255");
        assertProblem(api.get("/api/v1/models/not-a-uuid"), 400, "not-a-uuid");
        String unknown = UUID.randomUUID().toString();
        assertProblem(api.get("/api/v1/models/" + unknown), 404, unknown);
        assertProblem(api.get("/api/v1/models/" + unknown + "/content"), 404, unknown);
        assertProblem(api.delete("/api/v1/models/" + unknown), 404, unknown);
        api.assertUnchanged(before);
    }

    @Test
    void readsRealModelsFromTheCorpus() throws Exception {
        Path mnist = Path.of(System.getProperty("quantizer.test.shared-dir", "../shared"), "corpus", "models",
                "mnist-7_cntk.onnx");
        assumeThat(mnist).exists();

        HttpResponse<String> created = api.upload("/api/v1/models", Part.file("mnist-7_cntk.onnx",
                Files.readAllBytes(mnist)));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode model = json(created);
        assertThat(model.get("irVersion").asLong()).isEqualTo(3);
        assertThat(model.get("inputs")).hasSize(1);
        assertThat(model.get("inputs").get(0).get("name").asString()).isEqualTo("Input3");
        assertThat(model.get("inputs").get(0).get("shape").toString()).isEqualTo("[1,1,28,28]");
        assertThat(api.delete("/api/v1/models/" + model.get("id").asString()).statusCode()).isEqualTo(204);
    }

    private void assertInvalid(byte[] bytes, String detailPart) throws IOException, InterruptedException {
        JsonNode problem = assertProblem(api.upload("/api/v1/models", Part.file("bad.onnx", bytes)), 422,
                detailPart);
        assertThat(problem.get("type").asString()).endsWith("/invalid-model");
    }

    /** A linear model whose bytes differ from every other test's (a random producer version). */
    static byte[] uniqueLinearModel() {
        return OnnxTestModels.linear().toBuilder().setProducerVersion(UUID.randomUUID().toString()).build()
                .toByteArray();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
