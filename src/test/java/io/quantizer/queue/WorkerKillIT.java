package io.quantizer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.quantizer.QuantizerApplication;
import io.quantizer.job.JobFixtures;
import io.quantizer.job.JobTestClient;
import io.quantizer.storage.ObjectStore;
import io.quantizer.support.PostgresSupport;
import io.quantizer.support.S3MockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A worker process killed with {@code kill -9} in the middle of a job: another worker resumes the job, which
 * then completes exactly once with one artifact. A worker stopped with SIGTERM hands its job back rather than
 * failing it. The workers are separate JVMs running the application's main
 * class against the same PostgreSQL and S3; this test JVM's own worker is off ({@link ManualQueue}).
 */
@ManualQueue
class WorkerKillIT {

    /** Shorter than production (5 s × 6) so the test waits seconds, not a minute, for the dead worker. */
    private static final List<String> FAST_HEARTBEAT = List.of("--db-scheduler.heartbeat-interval=1s",
            "--db-scheduler.missed-heartbeats-limit=4", "--db-scheduler.polling-interval=1s");

    /** Two Spring Boot JVMs starting at once on a busy 2-core machine can take a while. */
    private static final Duration WORKER_START = Duration.ofSeconds(240);

    @LocalServerPort
    int port;
    @Autowired
    ObjectStore store;
    @TempDir
    Path dir;

    private final List<Process> workers = new ArrayList<>();
    private String testName;

    @BeforeEach
    void name(TestInfo test) {
        testName = test.getTestMethod().orElseThrow().getName();
    }
    private JobTestClient client;

    @AfterEach
    void stopWorkers() {
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    void aJobWhoseWorkerWasKilledIsResumedAndCompletesOnceWithOneArtifact() throws Exception {
        UUID id = submit();
        List<ProcessHandle> engine = WorkerFaultsIT.awaitEngineChild(id, WORKER_START);
        Process victim = workerRunning(engine);
        assertThat(client.job(id).get("attempt").asInt()).isEqualTo(1);

        victim.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to hand the job back
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(client.job(id).get("status").asString()).isEqualTo("RUNNING");
        for (ProcessHandle orphan : engine) {
            // the dead worker's engine child notices its parent is gone and exits by itself
            assertThat(orphan.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        }

        assertCompletedOnceByTheSecondAttempt(id);
    }

    @Test
    void aWorkerStoppedWithSigtermHandsItsJobBackInsteadOfFailingIt() throws Exception {
        UUID id = submit();
        List<ProcessHandle> engine = WorkerFaultsIT.awaitEngineChild(id, WORKER_START);
        Process victim = workerRunning(engine);

        victim.destroy(); // SIGTERM: a rolling update or a scale-down
        assertThat(victim.waitFor(60, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle child : engine) {
            assertThat(child.isAlive()).isFalse();
        }
        JsonNode handedBack = client.job(id);
        assertThat(handedBack.get("status").asString()).isIn("RUNNING", "SUCCEEDED");
        assertThat(handedBack.get("error").isNull()).isTrue();

        assertCompletedOnceByTheSecondAttempt(id);
    }

    private UUID submit() throws Exception {
        client = new JobTestClient(port);
        UUID model = client.uploadModel(JobFixtures.classifier(), "tiny_classifier.onnx");
        UUID calibration = client.uploadDataset(JobFixtures.calibration(dir, "calibration.npz", 256));
        UUID id = UUID.fromString(client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration))
                .json().get("id").asString());
        // two workers from the start (a JVM start is the slow part); whichever picks the job up is the victim
        startWorker("a");
        startWorker("b");
        return id;
    }

    private Process workerRunning(List<ProcessHandle> engine) {
        long pid = engine.get(0).parent().orElseThrow().pid();
        return workers.stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
    }

    private void assertCompletedOnceByTheSecondAttempt(UUID id) throws Exception {
        JsonNode done = client.await(id, JobTestClient::finished, Duration.ofSeconds(180));

        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(store.list("jobs/" + id + "/")).containsExactlyInAnyOrder(
                "jobs/" + id + "/attempt-2/model.int8.onnx", "jobs/" + id + "/attempt-2/report.json");
        Thread.sleep(3000); // nothing publishes again later
        assertThat(client.job(id).get("finishedAt")).isEqualTo(done.get("finishedAt"));
    }

    private Process startWorker(String name) throws IOException {
        PostgresSupport.Connection postgres = PostgresSupport.connection();
        Path dataDir = Files.createDirectories(dir.resolve(name));
        Path logs = Files.createDirectories(Path.of("target", "worker-logs", testName));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), QuantizerApplication.class.getName(),
                "--server.port=0",
                "--quantizer.data-dir=" + dataDir,
                "--quantizer.worker.enabled=true",
                "--quantizer.worker.queue=" + ManualQueue.NAME,
                "--spring.datasource.url=" + postgres.jdbcUrl(),
                "--spring.datasource.username=" + postgres.username(),
                "--spring.datasource.password=" + postgres.password(),
                "--spring.datasource.driver-class-name=org.postgresql.Driver",
                "--quantizer.storage.type=s3",
                "--quantizer.storage.s3.endpoint=" + S3MockServer.endpoint(),
                "--quantizer.storage.s3.bucket=" + S3MockServer.BUCKET,
                "--quantizer.storage.s3.region=" + S3MockServer.REGION,
                "--quantizer.storage.s3.path-style-access=true",
                "--quantizer.storage.s3.access-key=" + S3MockServer.ACCESS_KEY,
                "--quantizer.storage.s3.secret-key=" + S3MockServer.SECRET_KEY));
        command.addAll(FAST_HEARTBEAT);
        Process worker = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile()).start();
        workers.add(worker);
        return worker;
    }
}
