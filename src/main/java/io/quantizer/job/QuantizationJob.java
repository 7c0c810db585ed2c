package io.quantizer.job;

import java.time.Instant;
import java.util.UUID;

import io.quantizer.engine.cli.EngineProtocol.Stage;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * The quantization job aggregate. It guards its own life cycle: QUEUED → RUNNING → SUCCEEDED | FAILED, and
 * CANCELLED from QUEUED or RUNNING. Every attempt to run it {@link #claim claims} it, which bumps
 * {@code attempt}; only the attempt that holds the current number may move it on ({@link #isOwnedBy}), so a
 * job the queue delivers twice still gets exactly one result. Writes go through the {@code @Version} column, so
 * a stale copy never overwrites a newer state.
 */
@Entity
@Table(name = "quantization_jobs")
public class QuantizationJob {

    @Id
    private UUID id;

    @Enumerated(EnumType.STRING)
    private JobStatus status;

    @Enumerated(EnumType.STRING)
    private Stage stage;

    private double progress;
    private int attempt;

    @Column(name = "model_id")
    private UUID modelId;
    @Column(name = "calibration_dataset_id")
    private UUID calibrationDatasetId;
    @Column(name = "evaluation_dataset_id")
    private UUID evaluationDatasetId;

    /** The recipe as JSON, every default filled in. */
    private String recipe;
    @Column(name = "artifact_name")
    private String artifactName;
    @Column(name = "idempotency_key")
    private String idempotencyKey;
    @Column(name = "request_fingerprint")
    private String requestFingerprint;

    /** The engine report's summary plus the artifact's digest, as JSON; set once SUCCEEDED. */
    private String result;
    /** A problem-details object as JSON; set once FAILED. */
    private String error;
    @Column(name = "artifact_key")
    private String artifactKey;
    @Column(name = "report_key")
    private String reportKey;
    /** Where the job's end is POSTed; null when nobody asked. */
    @Column(name = "callback_url")
    private String callbackUrl;

    @Column(name = "created_at")
    private Instant createdAt;
    @Column(name = "started_at")
    private Instant startedAt;
    @Column(name = "finished_at")
    private Instant finishedAt;
    @Column(name = "updated_at")
    private Instant updatedAt;

    /** The tenant that submitted it; only its callers (and admins) see it. */
    private String tenant;

    @Version
    private long version;

    protected QuantizationJob() {
    }

    public static QuantizationJob submit(JobInputs inputs, String recipeJson, String artifactName,
                                         String idempotencyKey, String requestFingerprint, Instant now,
                                         String tenant) {
        return submit(inputs, recipeJson, artifactName, idempotencyKey, requestFingerprint, null, now, tenant);
    }

    public static QuantizationJob submit(JobInputs inputs, String recipeJson, String artifactName,
                                         String idempotencyKey, String requestFingerprint, String callbackUrl,
                                         Instant now, String tenant) {
        QuantizationJob job = new QuantizationJob();
        job.callbackUrl = callbackUrl;
        job.id = UUID.randomUUID();
        job.status = JobStatus.QUEUED;
        job.progress = 0;
        job.attempt = 0;
        job.modelId = inputs.modelId();
        job.calibrationDatasetId = inputs.calibrationDatasetId();
        job.evaluationDatasetId = inputs.evaluationDatasetId();
        job.recipe = recipeJson;
        job.artifactName = artifactName;
        job.idempotencyKey = idempotencyKey;
        job.requestFingerprint = requestFingerprint;
        job.createdAt = now;
        job.updatedAt = now;
        job.tenant = tenant;
        return job;
    }

    /**
     * Starts a new attempt and returns its number. A RUNNING job may be claimed again: that is how a job whose
     * worker died is resumed, and the bump fences the old attempt out.
     */
    public int claim(Instant now) {
        if (status.isFinished()) {
            throw new JobStateException("Job " + id + " is " + status + "; only QUEUED or RUNNING jobs can be run.");
        }
        attempt++;
        status = JobStatus.RUNNING;
        stage = Stage.PREPARING;
        progress = 0;
        if (startedAt == null) {
            startedAt = now;
        }
        updatedAt = now;
        return attempt;
    }

    /** Records the stage and progress the running attempt reported. */
    public void advance(int byAttempt, Stage newStage, double newProgress, Instant now) {
        requireOwner(byAttempt, "report progress");
        stage = newStage;
        progress = Math.max(0, Math.min(1, newProgress));
        updatedAt = now;
    }

    public void succeed(int byAttempt, String resultJson, String newArtifactKey, String newReportKey, Instant now) {
        requireOwner(byAttempt, "publish a result");
        status = JobStatus.SUCCEEDED;
        progress = 1;
        result = resultJson;
        artifactKey = newArtifactKey;
        reportKey = newReportKey;
        finish(now);
    }

    public void fail(int byAttempt, String problemJson, Instant now) {
        requireOwner(byAttempt, "mark it failed");
        status = JobStatus.FAILED;
        error = problemJson;
        finish(now);
    }

    /** Cancels a QUEUED or RUNNING job; the running attempt notices it no longer owns the job and stops. */
    public void cancel(Instant now) {
        if (status.isFinished()) {
            throw new JobStateException("Job " + id + " is already " + status
                    + "; only QUEUED or RUNNING jobs can be cancelled.");
        }
        status = JobStatus.CANCELLED;
        finish(now);
    }

    /** True while {@code byAttempt} is the attempt that may still change this job. */
    public boolean isOwnedBy(int byAttempt) {
        return status == JobStatus.RUNNING && attempt == byAttempt;
    }

    private void requireOwner(int byAttempt, String what) {
        if (!isOwnedBy(byAttempt)) {
            throw new StaleAttemptException("Attempt " + byAttempt + " cannot " + what + " for job " + id
                    + ": the job is " + status + " at attempt " + attempt + ".");
        }
    }

    private void finish(Instant now) {
        finishedAt = now;
        updatedAt = now;
    }

    public String getTenant() {
        return tenant;
    }

    public UUID getId() {
        return id;
    }

    public JobStatus getStatus() {
        return status;
    }

    public Stage getStage() {
        return stage;
    }

    public double getProgress() {
        return progress;
    }

    public int getAttempt() {
        return attempt;
    }

    public JobInputs getInputs() {
        return new JobInputs(modelId, calibrationDatasetId, evaluationDatasetId);
    }

    public String getRecipe() {
        return recipe;
    }

    public String getArtifactName() {
        return artifactName;
    }

    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    public String getRequestFingerprint() {
        return requestFingerprint;
    }

    public String getResult() {
        return result;
    }

    public String getError() {
        return error;
    }

    public String getArtifactKey() {
        return artifactKey;
    }

    public String getReportKey() {
        return reportKey;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }

    public String getCallbackUrl() {
        return callbackUrl;
    }
}
