package io.quantizer.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.storage.ObjectStore;
import io.quantizer.audit.AuditAction;
import io.quantizer.audit.AuditLog;
import io.quantizer.quota.Quotas;
import io.quantizer.security.Caller;
import io.quantizer.system.ApiException;
import io.quantizer.system.PageResponse;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Submitting, reading and cancelling quantization jobs: what the API does with them. A job belongs to the tenant
 * of the caller that submitted it; other tenants' callers get 404 for it, as if it did not exist.
 */
@Service
public class JobService {

    private final JobRepository jobs;
    private final JobCatalog catalog;
    private final RecipeReader recipes;
    private final JobScheduling scheduling;
    private final JobViews views;
    private final TransactionTemplate transactions;
    private final JobCallbacks callbacks;
    private final ObjectStore store;
    private final Quotas quotas;
    private final AuditLog audit;

    JobService(JobRepository jobs, JobCatalog catalog, RecipeReader recipes, JobScheduling scheduling,
               JobViews views, TransactionTemplate transactions, JobCallbacks callbacks, ObjectStore store,
               Quotas quotas, AuditLog audit) {
        this.jobs = jobs;
        this.callbacks = callbacks;
        this.store = store;
        this.catalog = catalog;
        this.recipes = recipes;
        this.scheduling = scheduling;
        this.views = views;
        this.transactions = transactions;
        this.quotas = quotas;
        this.audit = audit;
    }

    /** The job and whether this call created it (false: an earlier request with the same Idempotency-Key). */
    public record Submitted(JobView job, boolean created) {
    }

    public Submitted submit(JobRequest request, String idempotencyKey) {
        return submit(JobSubmission.of(request, recipes), idempotencyKey);
    }

    Submitted submit(JobSubmission submission, String idempotencyKey) {
        Optional<String> key = JobSubmission.checkedKey(idempotencyKey);
        String tenant = Caller.current().tenant();
        if (key.isPresent()) {
            Optional<QuantizationJob> earlier = jobs.findByTenantAndIdempotencyKey(tenant, key.get());
            if (earlier.isPresent()) {
                return replay(earlier.get(), submission);
            }
        }
        if (submission.callbackUrl() != null) {
            callbacks.checkUrl(submission.callbackUrl());
        }
        ModelFacts model = checkInputs(submission.inputs(), submission.recipe());
        quotas.checkActiveJobs(tenant);
        QuantizationJob job = QuantizationJob.submit(submission.inputs(), submission.recipeJson(),
                artifactName(model.name(), submission.recipe().precisionLabel()), key.orElse(null),
                submission.fingerprint(), submission.callbackUrl(), Instant.now(), tenant);
        try {
            transactions.executeWithoutResult(tx -> {
                jobs.saveAndFlush(job);
                scheduling.schedule(job.getId());
            });
        } catch (DataIntegrityViolationException e) {
            // a concurrent request with the same key won the insert: answer like a replay of it
            QuantizationJob winner = key.flatMap(k -> jobs.findByTenantAndIdempotencyKey(tenant, k))
                    .orElseThrow(() -> e);
            return replay(winner, submission);
        }
        audit.record(AuditAction.JOB_SUBMITTED, "job", job.getId(), tenant);
        return new Submitted(views.of(job), true);
    }

    public JobView get(UUID id) {
        return views.of(find(id));
    }

    /** A job as a background task (the callback dispatcher) reads it: no caller, so any tenant's job. */
    public JobView getAsSystem(UUID id) {
        return views.of(jobs.findById(id).orElseThrow(() -> new ApiException.NotFound("Job", id)));
    }

    public PageResponse<JobView> list(JobStatus status, UUID modelId, int page, int size) {
        if (page < 0 || size < 1 || size > 100) {
            throw new ApiException.BadRequest("invalid-page", "Invalid page request",
                    "page must be 0 or more and size between 1 and 100, got page=" + page + ", size=" + size + ".");
        }
        return PageResponse.of(jobs.search(status, modelId, Caller.current().tenantFilter(),
                PageRequest.of(page, size)), views::of);
    }

    /** Cancels a QUEUED or RUNNING job; a finished one is a 409 that names its state. */
    public JobView cancel(UUID id) {
        Caller caller = Caller.current();
        QuantizationJob cancelled = transactions.execute(tx -> {
            QuantizationJob job = jobs.findForUpdate(id).filter(j -> caller.canSee(j.getTenant()))
                    .orElseThrow(() -> new ApiException.NotFound("Job", id));
            boolean queued = job.getStatus() == JobStatus.QUEUED;
            job.cancel(Instant.now());
            if (queued) {
                scheduling.unschedule(id);
            }
            if (job.getCallbackUrl() != null) {
                callbacks.jobEnded(id, job.getTenant(), job.getCallbackUrl());
            }
            return job;
        });
        audit.record(AuditAction.JOB_CANCELLED, "job", id, cancelled.getTenant());
        return views.of(cancelled);
    }

    /**
     * Deletes a finished job with everything it stored (artifact, report, every attempt's objects) and its
     * callback delivery. A QUEUED or RUNNING job is a 409: cancel it first, so no attempt writes after this.
     * The row goes first; a failure while deleting the objects leaves them to the storage sweep, which removes
     * objects of jobs that no longer exist.
     */
    public void delete(UUID id) throws IOException {
        delete(id, Caller.current());
    }

    /**
     * The same delete for a background task (the retention purge), which has no caller: it acts for the service
     * itself and sees every tenant's jobs. The audit entry still names the job's tenant.
     */
    void deleteAsSystem(UUID id) throws IOException {
        delete(id, null);
    }

    /** How the audit log names the retention purge. */
    static final String SYSTEM_ACTOR = "system:job-retention";

    /** {@code caller} null: the service itself, which may delete any tenant's job. */
    private void delete(UUID id, Caller caller) throws IOException {
        String[] tenant = new String[1];
        transactions.executeWithoutResult(tx -> {
            QuantizationJob job = jobs.findForUpdate(id).filter(j -> caller == null || caller.canSee(j.getTenant()))
                    .orElseThrow(() -> new ApiException.NotFound("Job", id));
            tenant[0] = job.getTenant();
            if (!job.getStatus().isFinished()) {
                throw new ApiException.Conflict("Job " + id + " is " + job.getStatus()
                        + "; only a finished job can be deleted. Cancel it first.");
            }
            callbacks.forget(id);
            jobs.delete(job);
        });
        if (caller == null) {
            audit.recordBySystem(SYSTEM_ACTOR, AuditAction.JOB_DELETED, "job", id, tenant[0]);
        } else {
            audit.record(AuditAction.JOB_DELETED, "job", id, tenant[0]);
        }
        deleteOutputs(id);
    }

    /** Removes every object under the job's prefix; returns how many. */
    int deleteOutputs(UUID id) throws IOException {
        List<String> keys = store.list(JobStorage.prefix(id));
        for (String key : keys) {
            store.delete(key);
        }
        return keys.size();
    }

    /** Where a SUCCEEDED job's quantized model is stored, and the file name to download it as. */
    public StoredOutput artifact(UUID id) {
        QuantizationJob job = finishedWithOutputs(id, "quantized model");
        return new StoredOutput(job.getArtifactKey(), job.getArtifactName());
    }

    /** Where a SUCCEEDED job's full report is stored, and the file name to download it as. */
    public StoredOutput report(UUID id) {
        QuantizationJob job = finishedWithOutputs(id, "report");
        return new StoredOutput(job.getReportKey(), "quantization-job-" + id + "-report.json");
    }

    /** Where a SUCCEEDED tensorrt job's calibration cache is stored; 404 for a job that has none. */
    public StoredOutput calibrationCache(UUID id) {
        QuantizationJob job = finishedWithOutputs(id, "calibration cache");
        if (!JobViews.hasCalibrationCache(views.of(job).result())) {
            throw new ApiException.NotFound("Calibration cache", "Job " + id + " was quantized for target "
                    + views.of(job).recipe().target().value() + "; only target tensorrt produces a TensorRT"
                    + " calibration cache.");
        }
        return new StoredOutput(CalibrationCacheOutput.keyBeside(job.getArtifactKey()),
                CalibrationCacheOutput.fileName(job.getArtifactName()));
    }

    public record StoredOutput(String objectKey, String fileName) {
    }

    private QuantizationJob finishedWithOutputs(UUID id, String what) {
        QuantizationJob job = find(id);
        if (job.getStatus() != JobStatus.SUCCEEDED) {
            throw new ApiException.Conflict("Job " + id + " is " + job.getStatus() + "; its " + what
                    + " exists only once the job has SUCCEEDED.");
        }
        return job;
    }

    private QuantizationJob find(UUID id) {
        Caller caller = Caller.current();
        return jobs.findById(id).filter(j -> caller.canSee(j.getTenant()))
                .orElseThrow(() -> new ApiException.NotFound("Job", id));
    }

    private Submitted replay(QuantizationJob earlier, JobSubmission submission) {
        if (!earlier.getRequestFingerprint().equals(submission.fingerprint())) {
            throw new ApiException.Unprocessable("idempotency-key-reused", "Idempotency-Key reused",
                    "The Idempotency-Key was first used for job " + earlier.getId() + " with a different request; "
                            + "send a new key for a different job.");
        }
        return new Submitted(views.of(earlier), false);
    }

    /** Looks the inputs up and checks that they fit each other; 422 naming every problem otherwise. */
    private ModelFacts checkInputs(JobInputs inputs, QuantizationRecipe recipe) {
        Map<String, BigDecimal> constants = recipe.constantInputs();
        List<Map<String, String>> unknown = new ArrayList<>();
        // another tenant's model or data set is as unknown as one that does not exist
        Optional<ModelFacts> model = catalog.visibleModel(inputs.modelId());
        if (model.isEmpty()) {
            unknown.add(Map.of("field", "modelId", "message", "no model with id " + inputs.modelId() + " exists"));
        }
        Optional<DatasetFacts> calibration = inputs.calibrationDatasetId() == null ? Optional.empty()
                : dataset(inputs.calibrationDatasetId(), "calibrationDatasetId", unknown);
        Optional<DatasetFacts> evaluation = inputs.evaluationDatasetId() == null ? Optional.empty()
                : dataset(inputs.evaluationDatasetId(), "evaluationDatasetId", unknown);
        if (!unknown.isEmpty()) {
            throw new ApiException.Unprocessable("unknown-input", "Unknown model or data set",
                    String.join("; ", unknown.stream().map(m -> m.get("field") + ": " + m.get("message")).toList())
                            + ".").withErrors(unknown);
        }
        // a problem with a constant shows with both data sets: a set keeps it once
        Set<InputCompatibility.Problem> problems = new LinkedHashSet<>();
        calibration.ifPresent(c -> problems.addAll(
                InputCompatibility.inputs(model.get(), c, "calibrationDatasetId", constants)));
        evaluation.ifPresent(e -> problems.addAll(
                InputCompatibility.inputs(model.get(), e, "evaluationDatasetId", constants)));
        if (problems.isEmpty() && evaluation.isPresent() && evaluation.get().labels().isPresent()) {
            problems.addAll(InputCompatibility.labels(model.get(), evaluation.get(), labelRange(evaluation.get()),
                    "evaluationDatasetId"));
        }
        // the engine's rule: a top-1 target needs labels where the job evaluates (the evaluation set, else calibration)
        // (dynamic, weight-only and fp16 jobs may come without a calibration set, and so without either)
        boolean labelled = evaluation.or(() -> calibration).map(d -> d.labels().isPresent()).orElse(false);
        recipe.problemsWithData(labelled).forEach(p -> problems.add(new InputCompatibility.Problem(
                "recipe." + p.substring(0, Math.max(0, p.indexOf(':'))), p)));
        if (!problems.isEmpty()) {
            throw new ApiException.Unprocessable("inputs-do-not-fit", "Model and data set do not fit",
                    String.join("; ", problems.stream().map(InputCompatibility.Problem::message).toList()) + ".")
                    .withErrors(problems.stream()
                            .map(p -> Map.of("field", p.field(), "message", p.message())).toList());
        }
        return model.get();
    }

    private Optional<DatasetFacts> dataset(UUID id, String field, List<Map<String, String>> unknown) {
        Optional<DatasetFacts> found = catalog.visibleDataset(id);
        if (found.isEmpty()) {
            unknown.add(Map.of("field", field, "message", "no data set with id " + id + " exists"));
        }
        return found;
    }

    private Optional<JobCatalog.LabelRange> labelRange(DatasetFacts dataset) {
        try {
            return catalog.labelRange(dataset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the labels of data set " + dataset.id(), e);
        }
    }

    static String artifactName(String modelName) {
        return artifactName(modelName, "int8");
    }

    /**
     * {@code fmnist_cnn.onnx} → {@code fmnist_cnn-int8.onnx} ({@code -fp16}, {@code -int4} by the recipe's mode),
     * keeping only characters safe in a file name.
     */
    static String artifactName(String modelName, String precision) {
        String base = modelName == null ? "model" : modelName.replaceAll("(?i)\\.onnx$", "");
        base = base.replaceAll("[^A-Za-z0-9._-]+", "_");
        if (base.isBlank() || base.chars().allMatch(c -> c == '_' || c == '.')) {
            base = "model";
        }
        return (base.length() > 200 ? base.substring(0, 200) : base) + "-" + precision + ".onnx";
    }
}
