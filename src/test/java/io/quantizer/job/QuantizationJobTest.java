package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import io.quantizer.engine.cli.EngineProtocol.Stage;
import org.junit.jupiter.api.Test;

class QuantizationJobTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static QuantizationJob queued() {
        return QuantizationJob.submit(new JobInputs(UUID.randomUUID(), UUID.randomUUID(), null), "{}",
                "m-int8.onnx", null, "fp", NOW, "team-a");
    }

    @Test
    void aClaimStartsTheFirstAttempt() {
        QuantizationJob job = queued();

        int attempt = job.claim(NOW.plusSeconds(1));

        assertThat(attempt).isEqualTo(1);
        assertThat(job.getStatus()).isEqualTo(JobStatus.RUNNING);
        assertThat(job.getStage()).isEqualTo(Stage.PREPARING);
        assertThat(job.getStartedAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(job.isOwnedBy(1)).isTrue();
    }

    @Test
    void aSecondClaimFencesTheFirstAttemptOut() {
        QuantizationJob job = queued();
        int first = job.claim(NOW);
        job.advance(first, Stage.CALIBRATING, 0.5, NOW);

        int second = job.claim(NOW.plusSeconds(60));

        assertThat(second).isEqualTo(2);
        assertThat(job.isOwnedBy(first)).isFalse();
        assertThat(job.getStartedAt()).isEqualTo(NOW);
        assertThat(job.getProgress()).isZero();
        assertThatThrownBy(() -> job.succeed(first, "{}", "a", "r", NOW))
                .isInstanceOf(StaleAttemptException.class)
                .hasMessageContaining("RUNNING at attempt 2");
        assertThatThrownBy(() -> job.advance(first, Stage.EVALUATING, 0.9, NOW))
                .isInstanceOf(StaleAttemptException.class);
        job.succeed(second, "{\"ok\":true}", "jobs/x/attempt-2/model.int8.onnx", "jobs/x/attempt-2/report.json",
                NOW.plusSeconds(90));
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getArtifactKey()).contains("attempt-2");
        assertThat(job.getProgress()).isEqualTo(1.0);
        assertThat(job.getFinishedAt()).isEqualTo(NOW.plusSeconds(90));
    }

    @Test
    void progressIsClampedToTheUnitInterval() {
        QuantizationJob job = queued();
        int attempt = job.claim(NOW);

        job.advance(attempt, Stage.EVALUATING, 1.7, NOW);

        assertThat(job.getProgress()).isEqualTo(1.0);
        assertThat(job.getStage()).isEqualTo(Stage.EVALUATING);
    }

    @Test
    void queuedAndRunningJobsCanBeCancelledAndThenNothingElseHappens() {
        QuantizationJob queued = queued();
        queued.cancel(NOW);
        assertThat(queued.getStatus()).isEqualTo(JobStatus.CANCELLED);
        assertThat(queued.getFinishedAt()).isEqualTo(NOW);
        assertThatThrownBy(() -> queued.claim(NOW)).isInstanceOf(JobStateException.class)
                .hasMessageContaining("is CANCELLED");

        QuantizationJob running = queued();
        int attempt = running.claim(NOW);
        running.cancel(NOW);
        assertThat(running.isOwnedBy(attempt)).isFalse();
        assertThatThrownBy(() -> running.succeed(attempt, "{}", "a", "r", NOW))
                .isInstanceOf(StaleAttemptException.class).hasMessageContaining("CANCELLED");
        assertThatThrownBy(() -> running.fail(attempt, "{}", NOW)).isInstanceOf(StaleAttemptException.class);
    }

    @Test
    void finishedJobsRefuseToBeCancelledNamingTheirState() {
        QuantizationJob succeeded = queued();
        succeeded.succeed(succeeded.claim(NOW), "{}", "a", "r", NOW);
        QuantizationJob failed = queued();
        failed.fail(failed.claim(NOW), "{\"title\":\"x\"}", NOW);
        QuantizationJob cancelled = queued();
        cancelled.cancel(NOW);

        assertThatThrownBy(() -> succeeded.cancel(NOW)).isInstanceOf(JobStateException.class)
                .hasMessageContaining("already SUCCEEDED");
        assertThatThrownBy(() -> failed.cancel(NOW)).isInstanceOf(JobStateException.class)
                .hasMessageContaining("already FAILED");
        assertThatThrownBy(() -> cancelled.cancel(NOW)).isInstanceOf(JobStateException.class)
                .hasMessageContaining("already CANCELLED");
        assertThat(failed.getError()).contains("title");
    }

    @Test
    void aQueuedJobHasNoOwnerYet() {
        QuantizationJob job = queued();

        assertThat(job.isOwnedBy(0)).isFalse();
        assertThatThrownBy(() -> job.fail(0, "{}", NOW)).isInstanceOf(StaleAttemptException.class)
                .hasMessageContaining("QUEUED");
    }
}
