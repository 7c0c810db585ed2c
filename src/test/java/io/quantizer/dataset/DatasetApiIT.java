package io.quantizer.dataset;

import static io.quantizer.catalog.CatalogClient.assertProblem;
import static io.quantizer.catalog.CatalogClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quantizer.catalog.CatalogApiTestBase;
import io.quantizer.catalog.CatalogClient;
import io.quantizer.catalog.CatalogClient.Part;
import io.quantizer.engine.data.NumpyFixtures;
import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

/** The data sets API end to end on PostgreSQL and S3 (S3Mock), every bad input of issue 2 included. */
@IntegrationTest
class DatasetApiIT extends CatalogApiTestBase {

    @TempDir
    Path dir;

    @Test
    void uploadReadListDownloadAndDeleteAnNpz() throws Exception {
        byte[] bytes = npz(true, "x", uniqueFloats(6, 4), "y", NumpyFixtures.int64(new long[] {1, 0, 2, 1, 0, 2}, 6));

        HttpResponse<String> created = api.upload("/api/v1/datasets", Part.file("calib.npz", bytes));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode dataset = json(created);
        String id = dataset.get("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/datasets/" + id);
        assertThat(dataset.get("name").asString()).isEqualTo("calib.npz");
        assertThat(dataset.get("format").asString()).isEqualTo("npz");
        assertThat(dataset.get("sizeBytes").asLong()).isEqualTo(bytes.length);
        assertThat(dataset.get("sampleCount").asLong()).isEqualTo(6);
        assertThat(dataset.get("labelTensor").asString()).isEqualTo("y");
        assertThat(dataset.get("tensors").toString()).isEqualTo("[{\"name\":\"x\",\"elementType\":\"float32\","
                + "\"shape\":[6,4]},{\"name\":\"y\",\"elementType\":\"int64\",\"shape\":[6]}]");
        assertThat(json(api.get("/api/v1/datasets/" + id))).isEqualTo(dataset);
        assertThat(json(api.get("/api/v1/datasets?size=100")).get("items").get(0).get("id").asString())
                .isEqualTo(id);

        HttpResponse<byte[]> content = api.download("/api/v1/datasets/" + id + "/content", null);
        assertThat(content.body()).isEqualTo(bytes);
        assertThat(content.headers().firstValue("ETag")).hasValue("\"" + dataset.get("sha256").asString() + "\"");
        assertThat(content.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                d -> assertThat(d).contains("calib.npz"));

        assertThat(api.delete("/api/v1/datasets/" + id).statusCode()).isEqualTo(204);
        assertProblem(api.get("/api/v1/datasets/" + id), 404, id);
        assertProblem(api.delete("/api/v1/datasets/" + id), 404, id);
        assertThat(store.exists(ContentAddressedBlobs.keyFor(dataset.get("sha256").asString()))).isFalse();
    }

    @Test
    void acceptsASingleNpyAndStoredNpzEntries() throws Exception {
        HttpResponse<String> npy = api.upload("/api/v1/datasets", Part.file("inputs.npy", uniqueFloats(3, 2)),
                Part.field("name", "plain inputs"));
        assertThat(npy.statusCode()).as(npy.body()).isEqualTo(201);
        JsonNode single = json(npy);
        assertThat(single.get("format").asString()).isEqualTo("npy");
        assertThat(single.get("name").asString()).isEqualTo("plain inputs");
        assertThat(single.get("tensors").get(0).get("name").asString()).isEqualTo("arr_0");
        assertThat(single.get("labelTensor").isNull()).isTrue();
        assertThat(api.download("/api/v1/datasets/" + single.get("id").asString() + "/content", null).headers()
                .firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).contains("plain inputs.npy"));

        byte[] uint8HeaderV3 = NumpyFixtures.npy("|u1", new long[] {3, 2}, false, 3, new byte[] {1, 2, 3, 4, 5, 6});
        byte[] stored = npz(false, "pixels", uint8HeaderV3, "labels", NumpyFixtures.int64(new long[3], 3),
                "noise", uniqueFloats(3, 1));
        JsonNode npz = json(api.upload("/api/v1/datasets", Part.file("d.npz", stored)));
        assertThat(npz.get("tensors").get(0).get("elementType").asString()).isEqualTo("uint8");
        assertThat(npz.get("labelTensor").asString()).isEqualTo("labels");
    }

    @Test
    void sameBytesTwiceAreStoredOnce() throws Exception {
        byte[] bytes = npz(true, "x", uniqueFloats(2, 2));
        long blobsBefore = store.list("blobs/").size();

        String first = json(api.upload("/api/v1/datasets", Part.file("a.npz", bytes))).get("id").asString();
        String second = json(api.upload("/api/v1/datasets", Part.file("b.npz", bytes))).get("id").asString();

        assertThat(store.list("blobs/")).hasSize((int) blobsBefore + 1);
        assertThat(api.delete("/api/v1/datasets/" + first).statusCode()).isEqualTo(204);
        assertThat(api.download("/api/v1/datasets/" + second + "/content", null).body()).isEqualTo(bytes);
        assertThat(api.delete("/api/v1/datasets/" + second).statusCode()).isEqualTo(204);
        assertThat(store.list("blobs/")).hasSize((int) blobsBefore);
    }

    @Test
    void refusesUnusableFilesLeavingNothingBehind() throws Exception {
        byte[] random = new byte[5000];
        new Random(3).nextBytes(random);
        byte[] floats = uniqueFloats(10, 3);
        ByteBuffer oversized = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(1_000_000_000);
        byte[] bomb = npz(true, "x", NumpyFixtures.npy("|u1", new long[] {64, 1 << 20}, false, 1,
                new byte[64 << 20]));
        CatalogClient.Stock before = api.stock();

        assertInvalid(random, "neither a .npz");
        assertInvalid(new byte[0], "empty");
        assertInvalid("PK\u0003\u0004 but not a zip".getBytes(StandardCharsets.ISO_8859_1), "not a readable zip");
        assertInvalid(zip("notes.txt", "hello".getBytes(StandardCharsets.US_ASCII)), "is not a .npy array");
        assertInvalid(npz(true, "x", NumpyFixtures.npy("|O", new long[] {1}, false, 1, new byte[8])), "pickle");
        assertInvalid(npz(true, "x", NumpyFixtures.npyWithHeader("{'descr': '<f4', 'shape': (", 1, new byte[0])),
                "unreadable .npy header");
        assertInvalid(oversized.array(), "header of 1000000000 bytes");
        assertInvalid(npz(true, "x", uniqueFloats(10, 3), "y", NumpyFixtures.int64(new long[9], 9)),
                "disagree on the number of samples");
        assertInvalid(bomb, "zip bomb");
        assertInvalid(Arrays.copyOf(floats, floats.length - 5), "truncated");
        api.assertUnchanged(before);
    }

    @Test
    void refusesMalformedRequests() throws Exception {
        CatalogClient.Stock before = api.stock();

        assertProblem(api.upload("/api/v1/datasets", Part.field("name", "no file")), 400, "'file'");
        assertProblem(api.get("/api/v1/datasets/12345"), 400, "12345");
        String unknown = UUID.randomUUID().toString();
        assertProblem(api.get("/api/v1/datasets/" + unknown), 404, unknown);
        assertProblem(api.get("/api/v1/datasets/" + unknown + "/content"), 404, unknown);
        assertProblem(api.delete("/api/v1/datasets/" + unknown), 404, unknown);
        api.assertUnchanged(before);
    }

    private void assertInvalid(byte[] bytes, String detailPart) throws IOException, InterruptedException {
        JsonNode problem = assertProblem(api.upload("/api/v1/datasets", Part.file("bad.npz", bytes)), 422,
                detailPart);
        assertThat(problem.get("type").asString()).endsWith("/invalid-dataset");
    }

    /** A float32 .npy of random values, so no two tests upload the same bytes. */
    private static byte[] uniqueFloats(int samples, int width) {
        float[] values = new float[samples * width];
        Random random = new Random(UUID.randomUUID().getMostSignificantBits());
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return NumpyFixtures.float32(values, samples, width);
    }

    /** An .npz of alternating array names and .npy bytes. */
    private byte[] npz(boolean deflate, Object... namesAndArrays) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < namesAndArrays.length; i += 2) {
            entries.put(namesAndArrays[i] + ".npy", (byte[]) namesAndArrays[i + 1]);
        }
        return Files.readAllBytes(NumpyFixtures.npz(Files.createTempFile(dir, "d", ".npz"), entries, deflate));
    }

    private byte[] zip(String entry, byte[] content) throws IOException {
        return Files.readAllBytes(NumpyFixtures.npz(Files.createTempFile(dir, "z", ".zip"), Map.of(entry, content),
                true));
    }
}
