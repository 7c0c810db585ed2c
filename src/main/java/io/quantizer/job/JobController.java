package io.quantizer.job;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.UUID;

import io.quantizer.storage.ObjectStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** The quantization job resource: submit, follow, list, download the outputs, cancel. */
@RestController
@RequestMapping("/api/v1/quantization-jobs")
@Tag(name = "Quantization jobs", description = "Quantize a stored model to int8 and compare it with the fp32 one")
class JobController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final JobService jobs;
    private final OneShotSubmission oneShot;
    private final ObjectStore store;

    JobController(JobService jobs, OneShotSubmission oneShot, ObjectStore store) {
        this.jobs = jobs;
        this.oneShot = oneShot;
        this.store = store;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Submit a quantization job",
            description = "Checks that the data sets fit the model (422 otherwise, and no job is created), stores "
                    + "the job as QUEUED and answers 202 with its Location. The same Idempotency-Key with the same "
                    + "body returns the same job; with another body it is refused with 422.")
    ResponseEntity<JobView> submit(@RequestBody JobRequest request,
                                   @Parameter(description = "makes retries of this request safe")
                                   @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        return accepted(jobs.submit(request, idempotencyKey).job());
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Upload a model and data sets and submit a job, in one call",
            description = "For trying the service from Swagger UI: the parts are uploaded as with POST "
                    + "/api/v1/models and /api/v1/datasets, then submitted as with the JSON form. A refused request "
                    + "leaves none of its uploads behind.")
    ResponseEntity<JobView> submitUploads(
            @Parameter(description = "the fp32 .onnx model") @RequestPart("model") MultipartFile model,
            @Parameter(description = "calibration data, .npz or .npy") @RequestPart("calibration")
            MultipartFile calibration,
            @Parameter(description = "held-out data, .npz or .npy, labels optional")
            @RequestPart(name = "evaluation", required = false) MultipartFile evaluation,
            @Parameter(description = "the recipe as JSON text; every field optional")
            @RequestParam(name = "recipe", required = false) String recipe,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) throws IOException {
        return accepted(oneShot.submit(model, calibration, evaluation, recipe, idempotencyKey).job());
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A job: status, stage, progress, recipe, and the result or error")
    JobView get(@PathVariable UUID id) {
        return jobs.get(id);
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Jobs, newest first, optionally filtered by status and model")
    JobPage list(@RequestParam(required = false) JobStatus status,
                 @RequestParam(required = false) UUID modelId,
                 @RequestParam(defaultValue = "0") int page,
                 @RequestParam(defaultValue = "20") int size) {
        return jobs.list(status, modelId, page, size);
    }

    @GetMapping(value = "/{id}/artifact", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(summary = "The quantized model (.onnx) of a SUCCEEDED job, streamed")
    ResponseEntity<InputStreamResource> artifact(@PathVariable UUID id) throws IOException {
        return download(jobs.artifact(id), MediaType.APPLICATION_OCTET_STREAM);
    }

    @GetMapping(value = "/{id}/report", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The full report of a SUCCEEDED job: per-tensor ranges, errors and node decisions")
    ResponseEntity<InputStreamResource> report(@PathVariable UUID id) throws IOException {
        return download(jobs.report(id), MediaType.APPLICATION_JSON);
    }

    @PostMapping(value = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Cancel a QUEUED or RUNNING job",
            description = "A running attempt stops within seconds and leaves no artifact; a finished job is a 409.")
    ResponseEntity<JobView> cancel(@PathVariable UUID id) {
        return ResponseEntity.accepted().body(jobs.cancel(id));
    }

    @ExceptionHandler(JobStateException.class)
    ProblemDetail illegalTransition(JobStateException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setType(URI.create("https://quantizer.io/problems/conflict"));
        problem.setTitle("Conflict with current state");
        return problem;
    }

    static ResponseEntity<JobView> accepted(JobView job) {
        return ResponseEntity.accepted().location(URI.create("/api/v1/quantization-jobs/" + job.id())).body(job);
    }

    private ResponseEntity<InputStreamResource> download(JobService.StoredOutput output, MediaType type)
            throws IOException {
        long size = store.size(output.objectKey()).orElseThrow(() -> missing(output));
        InputStream content = store.open(output.objectKey()).orElseThrow(() -> missing(output));
        return ResponseEntity.ok()
                .contentType(type)
                .contentLength(size)
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(output.fileName()).build().toString())
                .body(new InputStreamResource(content));
    }

    private static IllegalStateException missing(JobService.StoredOutput output) {
        return new IllegalStateException("the stored output " + output.objectKey() + " of a SUCCEEDED job is missing");
    }
}
