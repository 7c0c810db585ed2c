package io.quantizer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quantizer.job.JobCatalog;
import io.quantizer.job.JobFixtures;
import io.quantizer.job.JobLifecycle;
import io.quantizer.job.JobScheduling;
import io.quantizer.job.JobTestClient;
import io.quantizer.job.JobTestClient.Response;
import io.quantizer.queue.JobAttemptRunner.Outcome;
import io.quantizer.storage.ObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Attempts driven by the test, on real PostgreSQL and S3 with the real engine child: races, cancels, storage
 * failures, limits and shutdown. The worker of this context is off, so only the attempts started here run.
 */
@ManualQueue
class WorkerFaultsIT {

    @LocalServerPort
    int port;
    @Autowired
    ObjectStore store;
    @Autowired
    JobLifecycle lifecycle;
    @Autowired
    JobCatalog catalog;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    WorkerProperties worker;
    @Autowired
    JobMetrics metrics;
    @Autowired
    JobAttemptRunner runner;
    @Autowired
    JobScheduling scheduling;
    @TempDir
    Path dir;

    private JobTestClient client;
    private UUID model;
    private UUID calibration;
    private final List<UUID> submitted = new ArrayList<>();

    @BeforeEach
    void inputs() throws Exception {
        client = new JobTestClient(port);
        model = client.uploadModel(JobFixtures.classifier(), "tiny_classifier.onnx");
        calibration = client.uploadDataset(JobFixtures.calibration(dir, "calibration.npz", 64));
    }

    @AfterEach
    void leaveNoQueueEntries() {
        submitted.forEach(scheduling::unschedule);
    }

    private UUID submit() {
        Response response = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        UUID id = UUID.fromString(response.json().get("id").asString());
        submitted.add(id);
        return id;
    }

    private JobAttemptRunner runner(WorkerProperties properties, ObjectStore objects) {
        return new JobAttemptRunner(lifecycle, catalog, objects, mapper, properties, metrics);
    }

    private List<String> outputs(UUID id) throws Exception {
        return store.list("jobs/" + id + "/");
    }

    @Test
    void aQueuedJobStaysQueuedWithoutAWorkerAndItsInputsCannotBeDeletedUntilItIsCancelled() throws Exception {
        UUID ownModel = client.uploadModel(JobFixtures.classifier(), "in-use.onnx");
        UUID ownData = client.uploadDataset(JobFixtures.calibration(dir, "in-use.npz", 16));
        Response response = client.submit(Map.of("modelId", ownModel, "calibrationDatasetId", ownData));
        UUID id = UUID.fromString(response.json().get("id").asString());
        submitted.add(id);

        Response deleteModel = client.delete("/api/v1/models/" + ownModel);
        Response deleteData = client.delete("/api/v1/datasets/" + ownData);

        assertThat(deleteModel.status()).isEqualTo(409);
        assertThat(deleteModel.detail()).contains(id.toString(), "QUEUED");
        assertThat(deleteData.status()).isEqualTo(409);
        assertThat(deleteData.detail()).contains(id.toString());

        Response cancelled = client.post(JobTestClient.JOBS + "/" + id + "/cancel");
        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
        assertThat(runner.run(id, () -> false)).isEqualTo(Outcome.NOT_RUNNABLE);
        assertThat(client.job(id).get("attempt").asInt()).isZero();
        assertThat(client.post(JobTestClient.JOBS + "/" + id + "/cancel").status()).isEqualTo(409);
        assertThat(client.delete("/api/v1/models/" + ownModel).status()).isEqualTo(204);
        assertThat(client.delete("/api/v1/datasets/" + ownData).status()).isEqualTo(204);
        assertThat(client.job(id).get("modelId").asString()).isEqualTo(ownModel.toString());
    }

    @Test
    void twoWorkersRacingForOneJobProduceOneResultAndOneArtifact() throws Exception {
        UUID id = submit();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Outcome>> racers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                racers.add(pool.submit(() -> {
                    start.await();
                    return runner.run(id, () -> false);
                }));
            }
            start.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> racer : racers) {
                outcomes.add(racer.get());
            }

            assertThat(outcomes).containsOnlyOnce(Outcome.FINISHED);
            assertThat(outcomes).containsAnyOf(Outcome.LOST, Outcome.NOT_RUNNABLE);
        } finally {
            pool.shutdownNow();
        }
        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        int attempt = job.get("attempt").asInt();
        assertThat(outputs(id)).containsExactlyInAnyOrder("jobs/" + id + "/attempt-" + attempt + "/model.int8.onnx",
                "jobs/" + id + "/attempt-" + attempt + "/report.json");
    }

    @Test
    void cancellingARunningJobStopsItWithinSecondsAndLeavesNoArtifact() throws Exception {
        UUID id = submit();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Outcome> running = pool.submit(() -> runner.run(id, () -> false));
            client.awaitStatus(id, "RUNNING", Duration.ofSeconds(30));

            Response cancelled = client.post(JobTestClient.JOBS + "/" + id + "/cancel");
            long cancelledAt = System.nanoTime();

            assertThat(cancelled.status()).isEqualTo(202);
            assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
            assertThat(running.get()).isIn(Outcome.LOST, Outcome.FINISHED);
            assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(5));
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.job(id).get("status").asString()).isEqualTo("CANCELLED");
        assertThat(outputs(id)).isEmpty();
        assertThat(engineChildren(id)).isEmpty();
        assertThat(client.get(JobTestClient.JOBS + "/" + id + "/artifact").status()).isEqualTo(409);
    }

    @Test
    void anEngineChildKilledMidJobFailsTheJobWithTheReason() throws Exception {
        UUID id = submit();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Outcome> running = pool.submit(() -> runner.run(id, () -> false));
            List<ProcessHandle> children = awaitEngineChild(id);

            children.forEach(ProcessHandle::destroyForcibly);

            assertThat(running.get()).isEqualTo(Outcome.FINISHED);
        } finally {
            pool.shutdownNow();
        }
        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.at("/error/type").asString()).endsWith("/engine-crashed");
        assertThat(job.at("/error/detail").asString()).contains("killed by signal 9");
        assertThat(outputs(id)).isEmpty();
    }

    @Test
    void aStoreThatKeepsFailingOnUploadFailsTheJobWithoutAnArtifact() throws Exception {
        UUID id = submit();
        FaultyStore failing = new FaultyStore(store, Integer.MAX_VALUE);

        Outcome outcome = runner(worker, failing).run(id, () -> false);

        assertThat(outcome).isEqualTo(Outcome.FINISHED);
        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.at("/error/type").asString()).endsWith("/storage-failed");
        assertThat(job.at("/error/detail").asString()).contains("503", worker.uploadAttempts() + " tries");
        assertThat(failing.failedWrites()).isEqualTo(worker.uploadAttempts());
        assertThat(outputs(id)).isEmpty();
    }

    @Test
    void aStoreThatFailsOnceIsRetriedAndTheJobSucceeds() throws Exception {
        UUID id = submit();
        FaultyStore flaky = new FaultyStore(store, 1);

        assertThat(runner(worker, flaky).run(id, () -> false)).isEqualTo(Outcome.FINISHED);

        assertThat(client.job(id).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(flaky.failedWrites()).isEqualTo(1);
        assertThat(outputs(id)).hasSize(2);
    }

    @Test
    void aJobWhoseWorkersKeepDyingEndsFailedInsteadOfRunningAgain() throws Exception {
        UUID id = submit();
        WorkerProperties twoStarts = worker.withBounds(2, worker.maxResultSize());
        // two starts whose workers died mid-run: each claimed the job and left outputs behind
        for (int start = 1; start <= 2; start++) {
            int attempt = lifecycle.claim(id).orElseThrow().attempt();
            assertThat(attempt).isEqualTo(start);
            byte[] partial = "half an upload".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            store.put("jobs/" + id + "/attempt-" + attempt + "/model.int8.onnx",
                    new java.io.ByteArrayInputStream(partial), partial.length);
        }

        Outcome outcome = runner(twoStarts, store).run(id, () -> false);

        assertThat(outcome).isEqualTo(Outcome.FINISHED);
        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.get("attempt").asInt()).isEqualTo(3);
        assertThat(job.at("/error/type").asString()).endsWith("/attempts-exhausted");
        assertThat(job.at("/error/status").asInt()).isEqualTo(500);
        assertThat(job.at("/error/detail").asString()).contains("started 2 times and never finished",
                "quantizer.worker.max-attempts");
        assertThat(engineChildren(id)).isEmpty();
        assertThat(outputs(id)).isEmpty();
        assertThat(client.get(JobTestClient.JOBS + "/" + id + "/artifact").status()).isEqualTo(409);
        // finished for good: the queue delivering it again finds nothing to run
        assertThat(runner(twoStarts, store).run(id, () -> false)).isEqualTo(Outcome.NOT_RUNNABLE);
    }

    @Test
    void aJobStartedAsOftenAsAllowedStillRunsToTheEnd() throws Exception {
        UUID id = submit();
        lifecycle.claim(id).orElseThrow();

        assertThat(runner(worker.withBounds(2, worker.maxResultSize()), store).run(id, () -> false))
                .isEqualTo(Outcome.FINISHED);

        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void aResultTooLargeToStoreFailsTheJobAndLeavesNoArtifact() throws Exception {
        UUID id = submit();

        Outcome outcome = runner(worker.withBounds(worker.maxAttempts(), DataSize.ofKilobytes(1)), store)
                .run(id, () -> false);

        assertThat(outcome).isEqualTo(Outcome.FINISHED);
        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.at("/error/type").asString()).endsWith("/result-too-large");
        assertThat(job.at("/error/detail").asString()).contains("more than the 1024 bytes",
                "quantizer.worker.max-result-size");
        assertThat(job.path("result").isNull() || job.path("result").isMissingNode()).as(job.toString()).isTrue();
        assertThat(outputs(id)).isEmpty();
        assertThat(client.get(JobTestClient.JOBS + "/" + id + "/artifact").status()).isEqualTo(409);
    }

    @Test
    void anEngineRunningPastTheLimitIsKilledAndTheJobFails() throws Exception {
        UUID id = submit();

        runner(worker.withLimits(Duration.ofMillis(300), worker.childMaxHeap()), store).run(id, () -> false);

        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.at("/error/type").asString()).endsWith("/engine-timeout");
        assertThat(engineChildren(id)).isEmpty();
        assertThat(outputs(id)).isEmpty();
    }

    @Test
    void anEngineOutOfHeapFailsTheJobSayingSo() throws Exception {
        UUID id = submit();

        runner(worker.withLimits(worker.timeout(), DataSize.ofMegabytes(4)), store).run(id, () -> false);

        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.at("/error/type").asString()).endsWith("/engine-out-of-memory");
        assertThat(job.at("/error/detail").asString()).contains("child-max-heap");
    }

    @Test
    void aShutdownHandsTheJobBackInsteadOfFailingItAndTheNextAttemptFinishesIt() throws Exception {
        UUID id = submit();
        AtomicBoolean shuttingDown = new AtomicBoolean(false);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Outcome> first = pool.submit(() -> runner.run(id, shuttingDown::get));
            client.awaitStatus(id, "RUNNING", Duration.ofSeconds(30));
            shuttingDown.set(true);

            assertThat(first.get()).isEqualTo(Outcome.INTERRUPTED_BY_SHUTDOWN);
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.job(id).get("status").asString()).isEqualTo("RUNNING");
        assertThat(engineChildren(id)).isEmpty();

        assertThat(runner.run(id, () -> false)).isEqualTo(Outcome.FINISHED);

        JsonNode job = client.job(id);
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("attempt").asInt()).isEqualTo(2);
        assertThat(outputs(id)).allMatch(key -> key.startsWith("jobs/" + id + "/attempt-2/")).hasSize(2);
    }

    static List<ProcessHandle> awaitEngineChild(UUID jobId) throws InterruptedException {
        return awaitEngineChild(jobId, Duration.ofSeconds(60));
    }

    static List<ProcessHandle> awaitEngineChild(UUID jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> children = engineChildren(jobId);
            if (!children.isEmpty()) {
                return children;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no engine child process started for job " + jobId);
    }

    /** Engine child processes (of any parent) working on this job. */
    static List<ProcessHandle> engineChildren(UUID jobId) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("job-" + jobId + "-attempt-"))
                .filter(ProcessHandle::isAlive)
                .toList();
    }
}
