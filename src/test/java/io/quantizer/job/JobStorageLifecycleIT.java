package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.quantizer.engine.TestData;
import io.quantizer.job.JobTestClient.Response;
import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.storage.ObjectStore;
import io.quantizer.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A job's storage life cycle on real PostgreSQL and S3: deleting a job and everything it stored, the retention
 * purge, the sweep of outputs whose job is gone, and a submit that never reads a data set's bytes.
 */
@IntegrationTest
class JobStorageLifecycleIT {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(180);

    @LocalServerPort
    int port;
    @Autowired
    ObjectStore store;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JobRepository jobs;
    @Autowired
    JobService service;
    @TempDir
    Path dir;

    private JobTestClient client;
    private UUID model;
    private UUID calibration;

    @BeforeEach
    void inputs() throws Exception {
        client = new JobTestClient(port);
        model = client.uploadModel(JobFixtures.classifier(), "tiny_classifier.onnx");
        calibration = client.uploadDataset(JobFixtures.calibration(dir, "calibration.npz", 64));
    }

    /** A labelled data set whose bytes no other test shares (it is removed from storage below). */
    private UUID uniqueLabelled(int samples, int maxLabel) throws Exception {
        Random random = new Random(UUID.randomUUID().getMostSignificantBits());
        long[] labels = new long[samples];
        for (int i = 0; i < samples; i++) {
            labels[i] = i % (maxLabel + 1);
        }
        Path file = new TestData().floats("x", TestData.uniform(random, samples * 64, 0f, 1f), samples, 1, 8, 8)
                .longs("label", labels, samples).write(dir.resolve(UUID.randomUUID() + ".npz"));
        return client.uploadDataset(file);
    }

    private String sha256Of(UUID dataset) {
        return client.get("/api/v1/datasets/" + dataset).json().get("sha256").asString();
    }

    /** Submits (202) and cancels the job; a worker may have ended it first, so it ends one way or another. */
    private UUID submitAndEnd(Map<String, ?> body) throws Exception {
        Response submitted = client.submit(body);
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        UUID id = UUID.fromString(submitted.json().get("id").asString());
        Response cancelled = client.post(JobTestClient.JOBS + "/" + id + "/cancel");
        assertThat(cancelled.status()).as(cancelled.text()).isIn(202, 409);
        client.await(id, JobTestClient::finished, JOB_TIMEOUT);
        return id;
    }

    @Test
    void aSucceededJobIsDeletedWithItsArtifactReportAndAttemptObjects() throws Exception {
        Response submitted = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "recipe", Map.of("calibration", Map.of("method", "minmax"))));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        UUID id = UUID.fromString(submitted.json().get("id").asString());
        JsonNode done = client.awaitStatus(id, "SUCCEEDED", JOB_TIMEOUT);
        QuantizationJob job = jobs.findById(id).orElseThrow();
        assertThat(store.exists(job.getArtifactKey())).isTrue();
        assertThat(store.exists(job.getReportKey())).isTrue();
        // an earlier attempt's leftovers live under the same prefix and go too
        String stray = JobStorage.prefix(id) + "attempt-0/partial.bin";
        store.put(stray, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);

        Response deleted = client.delete(JobTestClient.JOBS + "/" + id);

        assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
        assertThat(store.list(JobStorage.prefix(id))).isEmpty();
        assertThat(client.get(JobTestClient.JOBS + "/" + id).status()).isEqualTo(404);
        assertThat(client.get(JobTestClient.JOBS + "/" + id + "/artifact").status()).isEqualTo(404);
        assertThat(done.at("/result/quantizedModel/sha256").asString()).hasSize(64);
        // the inputs are untouched
        assertThat(client.get("/api/v1/models/" + model).status()).isEqualTo(200);
    }

    @Test
    void anUnfinishedJobCannotBeDeletedAndBadIdsAreRefused() throws Exception {
        Response submitted = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration));
        UUID id = UUID.fromString(submitted.json().get("id").asString());

        Response refused = client.delete(JobTestClient.JOBS + "/" + id);

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.headers().getContentType()).hasToString("application/problem+json");
        assertThat(refused.detail()).contains(id.toString(), "Cancel it first");
        assertThat(client.post(JobTestClient.JOBS + "/" + id + "/cancel").status()).isIn(202, 409);
        client.await(id, JobTestClient::finished, JOB_TIMEOUT);
        assertThat(client.delete(JobTestClient.JOBS + "/" + id).status()).isEqualTo(204);
        assertThat(client.delete(JobTestClient.JOBS + "/" + id).status()).isEqualTo(404);
        Response notAnId = client.delete(JobTestClient.JOBS + "/not-a-uuid");
        assertThat(notAnId.status()).isEqualTo(400);
        assertThat(notAnId.headers().getContentType()).hasToString("application/problem+json");
    }

    @Test
    void theRetentionPurgeDeletesOnlyJobsThatEndedLongEnoughAgo() throws Exception {
        UUID old = submitAndEnd(Map.of("modelId", model, "calibrationDatasetId", calibration));
        store.put(JobStorage.prefix(old) + "attempt-1/report.json",
                new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), 2);
        Instant ended = jobs.findById(old).orElseThrow().getFinishedAt();
        Response running = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration));
        UUID unfinished = UUID.fromString(running.json().get("id").asString());
        JobRetention retention = new JobRetention(new JobRetentionProperties(Duration.ofDays(30)), jobs, service,
                store);
        try {
            assertThat(retention.purgeExpired(ended.plus(Duration.ofDays(29)))).isZero();
            assertThat(jobs.existsById(old)).isTrue();

            assertThat(retention.purgeExpired(ended.plus(Duration.ofDays(30)).plusSeconds(1))).isPositive();

            assertThat(jobs.existsById(old)).isFalse();
            assertThat(store.list(JobStorage.prefix(old))).isEmpty();
            assertThat(jobs.existsById(unfinished)).as("a QUEUED or RUNNING job is never purged").isTrue();
        } finally {
            client.post(JobTestClient.JOBS + "/" + unfinished + "/cancel");
        }
        assertThat(new JobRetention(new JobRetentionProperties(null), jobs, service, store)
                .purgeExpired(Instant.now().plus(Duration.ofDays(3650)))).as("retention off").isZero();
    }

    @Test
    void theSweepRemovesObjectsOfJobsThatNoLongerExist() throws Exception {
        UUID kept = submitAndEnd(Map.of("modelId", model, "calibrationDatasetId", calibration));
        String keptKey = JobStorage.prefix(kept) + "attempt-1/model.int8.onnx";
        store.put(keptKey, new ByteArrayInputStream(new byte[] {7}), 1);
        String orphan = JobStorage.prefix(UUID.randomUUID()) + "attempt-2/model.int8.onnx";
        store.put(orphan, new ByteArrayInputStream(new byte[] {8}), 1);

        int removed = new JobRetention(new JobRetentionProperties(null), jobs, service, store).sweepOrphanedOutputs();

        assertThat(removed).isPositive();
        assertThat(store.exists(orphan)).isFalse();
        assertThat(store.exists(keptKey)).isTrue();
    }

    @Test
    void submitChecksLabelsWithoutReadingTheDataSet() throws Exception {
        UUID fits = uniqueLabelled(40, 9);
        UUID tooMany = uniqueLabelled(40, 15);
        // with the bytes gone, only what was kept at upload can answer
        store.delete(ContentAddressedBlobs.keyFor(sha256Of(fits)));
        store.delete(ContentAddressedBlobs.keyFor(sha256Of(tooMany)));

        Response refused = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "evaluationDatasetId", tooMany));
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.detail()).contains("'label'", "0 to 15", "outside 0..9");

        UUID accepted = submitAndEnd(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "evaluationDatasetId", fits));
        assertThat(client.job(accepted).get("evaluationDatasetId").asString()).isEqualTo(fits.toString());
    }

    @Test
    void aDataSetStoredWithoutItsLabelRangeGetsItComputedOnceAtTheFirstSubmit() throws Exception {
        UUID dataset = uniqueLabelled(30, 12);
        jdbc.sql("UPDATE datasets SET label_min = NULL, label_max = NULL WHERE id = :id").param("id", dataset).update();

        Response refused = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "evaluationDatasetId", dataset));

        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.detail()).contains("0 to 12");
        assertThat(jdbc.sql("SELECT label_min, label_max FROM datasets WHERE id = :id").param("id", dataset)
                .query((rs, n) -> rs.getLong(1) + ".." + rs.getLong(2)).single()).isEqualTo("0..12");
        // kept: later submits need the bytes no more
        store.delete(ContentAddressedBlobs.keyFor(sha256Of(dataset)));
        assertThat(client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "evaluationDatasetId", dataset)).detail()).contains("0 to 12");
    }
}
