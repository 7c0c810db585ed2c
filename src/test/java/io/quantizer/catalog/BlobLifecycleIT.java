package io.quantizer.catalog;

import static io.quantizer.catalog.CatalogClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.quantizer.catalog.CatalogClient.Part;
import io.quantizer.model.onnx.OnnxTestModels;
import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.storage.UploadProperties;
import io.quantizer.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The shared blob's life cycle on real PostgreSQL and S3: a delete that races with an upload of the same bytes
 * never leaves a row without its blob, and the sweep collects blobs and upload files nobody refers to.
 */
@IntegrationTest
class BlobLifecycleIT extends CatalogApiTestBase {

    @Autowired
    BlobLocks locks;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    OrphanBlobSweep sweep;
    @Autowired
    UploadProperties uploads;

    private static byte[] uniqueModel() {
        return OnnxTestModels.linear().toBuilder().setProducerVersion(UUID.randomUUID().toString()).build()
                .toByteArray();
    }

    @Test
    void aDeleteThatRacesWithAnUploadOfTheSameBytesLeavesTheNewRowItsBlob() throws Exception {
        byte[] bytes = uniqueModel();
        JsonNode first = json(api.upload("/api/v1/models", Part.file("first.onnx", bytes)));
        String sha256 = first.get("sha256").asString();
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // hold the blob's lock, as an upload between its publish and its commit does
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(tx -> {
            locks.lock(sha256);
            locked.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<HttpResponse<String>> delete = CompletableFuture.supplyAsync(() -> call(
                () -> api.delete("/api/v1/models/" + first.get("id").asString())));
        CompletableFuture<HttpResponse<String>> upload = CompletableFuture.supplyAsync(() -> call(
                () -> api.upload("/api/v1/models", Part.file("second.onnx", bytes))));
        Thread.sleep(1500);
        assertThat(delete).as("the delete waits for the blob's lock before it may remove the blob").isNotDone();
        assertThat(upload).as("the upload waits for the blob's lock before it saves its row").isNotDone();
        assertThat(store.exists(ContentAddressedBlobs.keyFor(sha256))).isTrue();
        release.countDown();
        holder.get(30, TimeUnit.SECONDS);

        assertThat(delete.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
        HttpResponse<String> second = upload.get(60, TimeUnit.SECONDS);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        // whichever took the lock first, the surviving row's bytes are stored and downloadable
        assertThat(store.exists(ContentAddressedBlobs.keyFor(sha256))).isTrue();
        assertThat(api.download("/api/v1/models/" + json(second).get("id").asString() + "/content", null).body())
                .isEqualTo(bytes);
    }

    @Test
    void theSweepRemovesUnreferencedBlobsAndStaleUploadFilesOnly() throws Exception {
        byte[] kept = uniqueModel();
        JsonNode model = json(api.upload("/api/v1/models", Part.file("kept.onnx", kept)));
        String orphanSha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(UUID.randomUUID().toString().getBytes()));
        store.put(ContentAddressedBlobs.keyFor(orphanSha), new ByteArrayInputStream(new byte[] {1, 2}), 2);
        String foreign = "blobs/sha256/zz/not-a-digest";
        store.put(foreign, new ByteArrayInputStream(new byte[] {3}), 1);
        Path tempDir = uploads.tempDir().toAbsolutePath().normalize();
        Path stale = Files.createTempFile(tempDir, "upload-", ".part");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path staleSpool = Files.createTempFile(tempDir, "upload_", ".tmp");
        Files.setLastModifiedTime(staleSpool, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path fresh = Files.createTempFile(tempDir, "upload-", ".part");
        try {
            OrphanBlobSweep.Swept swept = sweep.sweep();

            assertThat(swept.blobs()).isPositive();
            assertThat(swept.tempFiles()).isGreaterThanOrEqualTo(2);
            assertThat(store.exists(ContentAddressedBlobs.keyFor(orphanSha))).isFalse();
            assertThat(store.exists(foreign)).as("only keys this service writes are swept").isTrue();
            assertThat(store.exists(ContentAddressedBlobs.keyFor(model.get("sha256").asString()))).isTrue();
            assertThat(stale).doesNotExist();
            assertThat(staleSpool).doesNotExist();
            assertThat(fresh).as("an upload in progress keeps its file").exists();
        } finally {
            store.delete(foreign);
            Files.deleteIfExists(fresh);
        }
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
