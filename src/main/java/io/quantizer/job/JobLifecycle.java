package io.quantizer.job;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import io.quantizer.engine.cli.EngineProtocol.Stage;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a worker does to a job row, each step in its own short transaction on the locked row, so an attempt,
 * a second attempt of the same job and a cancel request serialise on the database whichever process they
 * run in. The aggregate decides what is allowed; a step refused because the attempt no longer owns the job
 * throws {@link StaleAttemptException}.
 */
@Service
public class JobLifecycle {

    private final JobRepository jobs;
    private final TransactionTemplate transactions;
    private final JobCallbacks callbacks;

    JobLifecycle(JobRepository jobs, TransactionTemplate transactions, JobCallbacks callbacks) {
        this.jobs = jobs;
        this.callbacks = callbacks;
        this.transactions = transactions;
    }

    /** What an attempt needs to run the job. */
    public record Claim(UUID jobId, int attempt, JobInputs inputs, String recipeJson) {
    }

    /** Starts a new attempt; empty when the job is gone or already finished (cancelled while queued, say). */
    public Optional<Claim> claim(UUID jobId) {
        return transactions.execute(tx -> jobs.findForUpdate(jobId)
                .filter(job -> !job.getStatus().isFinished())
                .map(job -> {
                    int attempt = job.claim(Instant.now());
                    return new Claim(jobId, attempt, job.getInputs(), job.getRecipe());
                }));
    }

    public void advance(UUID jobId, int attempt, Stage stage, double progress) {
        update(jobId, job -> job.advance(attempt, stage, progress, Instant.now()));
    }

    public void succeed(UUID jobId, int attempt, String resultJson, String artifactKey, String reportKey) {
        update(jobId, job -> {
            job.succeed(attempt, resultJson, artifactKey, reportKey, Instant.now());
            ended(job);
        });
    }

    public void fail(UUID jobId, int attempt, String problemJson) {
        update(jobId, job -> {
            job.fail(attempt, problemJson, Instant.now());
            ended(job);
        });
    }

    /** Queues the job's callback in the transaction that ended it, so an ended job always gets its callback. */
    private void ended(QuantizationJob job) {
        if (job.getCallbackUrl() != null) {
            callbacks.jobEnded(job.getId(), job.getTenant(), job.getCallbackUrl());
        }
    }

    /** True while {@code attempt} may still change the job (not cancelled, not taken over by a later attempt). */
    public boolean isOwnedBy(UUID jobId, int attempt) {
        return jobs.findById(jobId).map(job -> job.isOwnedBy(attempt)).orElse(false);
    }

    public Optional<JobStatus> status(UUID jobId) {
        return jobs.findById(jobId).map(QuantizationJob::getStatus);
    }

    private void update(UUID jobId, Consumer<QuantizationJob> change) {
        transactions.executeWithoutResult(tx -> {
            QuantizationJob job = jobs.findForUpdate(jobId)
                    .orElseThrow(() -> new StaleAttemptException("Job " + jobId + " no longer exists."));
            change.accept(job);
        });
    }
}
