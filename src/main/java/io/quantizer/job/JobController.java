package io.quantizer.job;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.quantizer.storage.ObjectStore;
import io.quantizer.system.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
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
@RequestMapping(JobLinks.JOBS)
@Tag(name = "Quantization jobs", description = "Quantize a stored model to int8 and compare it with the fp32 one")
class JobController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final String PROBLEM = JobApiDocs.PROBLEM;

    private final JobService jobs;
    private final OneShotSubmission oneShot;
    private final ObjectStore store;
    private final JobArtifacts artifacts;

    JobController(JobService jobs, OneShotSubmission oneShot, ObjectStore store, JobArtifacts artifacts) {
        this.jobs = jobs;
        this.oneShot = oneShot;
        this.store = store;
        this.artifacts = artifacts;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "submitQuantizationJob", summary = "Submit a quantization job",
            description = "Checks that the data sets and the recipe's constantInputs can feed the model, by the "
                    + "engine's own feed rule (422 naming the tensor otherwise, and no job is created): every model "
                    + "input is either held constant or fed from the data array of its name (a model left with one "
                    + "input to feed takes the only array, whatever its name); the data's first dimension is the "
                    + "sample dimension; an input of the data's rank takes samples on its axis 0 (dynamic: batched; "
                    + "1: one sample per run; a fixed batch above 1 is refused), an input of one rank less takes "
                    + "one whole sample per run (scalars, states whose batch is not first); element types match "
                    + "the input's (float32 data may feed float16 inputs). Then it stores the job as QUEUED and "
                    + "answers 202 with its Location. The same Idempotency-Key with the same body returns the same "
                    + "job; with another body it is refused with 422.")
    @ApiResponse(responseCode = "202", description = "Queued; Location names the job")
    @ApiResponse(responseCode = "400", description = "Malformed request: missing or unknown field, unknown recipe "
            + "field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    @ApiResponse(responseCode = "422", description = "Unknown model or data set, inputs or constantInputs that do "
            + "not fit the model, a recipe value that is not supported, or an Idempotency-Key reused for another "
            + "request", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    @ApiResponse(responseCode = "413", description = "The JSON body, or the multipart form's text parts (recipe) "
            + "together, over quantizer.api.max-json-size (64KB by default); an uploaded file over "
            + "quantizer.upload.max-size", content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = PROBLEM)))
    ResponseEntity<JobView> submit(@RequestBody JobRequest request,
                                   @Parameter(description = "makes retries of this request safe")
                                   @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        return accepted(jobs.submit(request, idempotencyKey).job());
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "submitQuantizationJob", summary = "Submit a quantization job",
            description = "For trying the service from Swagger UI: the parts are uploaded as with POST "
                    + "/api/v1/models and /api/v1/datasets, then submitted as with the JSON form. A refused request "
                    + "leaves none of its uploads behind.")
    @ApiResponse(responseCode = "202", description = "Queued; Location names the job")
    ResponseEntity<JobView> submitUploads(
            @Parameter(description = "the fp32 .onnx model") @RequestPart("model") MultipartFile model,
            @Parameter(description = "calibration data, .npz or .npy") @RequestPart("calibration")
            MultipartFile calibration,
            @Parameter(description = "held-out data, .npz or .npy, labels optional")
            @RequestPart(name = "evaluation", required = false) MultipartFile evaluation,
            @Parameter(description = "the recipe as JSON text; every field is optional and {} means all defaults")
            @RequestPart(name = "recipe", required = false) String recipe,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) throws IOException {
        return accepted(oneShot.submit(model, calibration, evaluation, recipe, idempotencyKey).job());
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getQuantizationJob",
            summary = "A job: status, stage, progress, recipe, and the result or error")
    @ApiResponse(responseCode = "200", description = "The job")
    @ApiResponse(responseCode = "404", description = "No such job", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    JobView get(@PathVariable UUID id) {
        return jobs.get(id);
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listQuantizationJobs",
            summary = "Jobs, newest first, optionally filtered by status and model")
    PageResponse<JobView> list(@RequestParam(required = false) JobStatus status,
                               @RequestParam(required = false) UUID modelId,
                               @Parameter(description = "page number, from 0") @RequestParam(defaultValue = "0")
                               int page,
                               @Parameter(description = "page size, 1 to 100") @RequestParam(defaultValue = "20")
                               int size) {
        return jobs.list(status, modelId, page, size);
    }

    @GetMapping(value = "/{id}/artifact", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(operationId = "downloadQuantizedModel",
            summary = "The quantized model (.onnx) of a SUCCEEDED job, streamed")
    @ApiResponse(responseCode = "200", description = "The int8 .onnx file", content = @Content(
            mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "409", description = "The job has not SUCCEEDED", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<InputStreamResource> artifact(@PathVariable UUID id) throws IOException {
        return download(jobs.artifact(id), MediaType.APPLICATION_OCTET_STREAM);
    }

    @GetMapping(value = "/{id}/artifacts", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listQuantizationArtifacts",
            summary = "Every output file of a SUCCEEDED job, with its size, SHA-256 and download path",
            description = "The quantized model comes first. A model quantized from external data is written with "
                    + "external data too: its data file is listed here, and must be saved beside the model under "
                    + "the listed name (the model references it by that name). Other outputs, such as a "
                    + "calibration cache, are listed the same way.")
    @ApiResponse(responseCode = "200", description = "The files")
    @ApiResponse(responseCode = "409", description = "The job has not SUCCEEDED", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    JobArtifacts.Listing artifacts(@PathVariable UUID id) {
        return artifacts.list(id);
    }

    @GetMapping(value = "/{id}/artifacts/{name}", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(operationId = "downloadQuantizationArtifact",
            summary = "One output file of a SUCCEEDED job, by the name the listing gives, streamed")
    @ApiResponse(responseCode = "200", description = "The file", content = @Content(
            mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "404", description = "No such job, or the job has no such file", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    @ApiResponse(responseCode = "409", description = "The job has not SUCCEEDED", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<InputStreamResource> artifactFile(@PathVariable UUID id, @PathVariable String name)
            throws IOException {
        return download(artifacts.file(id, name), MediaType.APPLICATION_OCTET_STREAM);
    }

    @GetMapping(value = "/{id}/report", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "downloadQuantizationReport",
            summary = "The full report of a SUCCEEDED job: per-tensor ranges, errors and node decisions")
    @ApiResponse(responseCode = "200", description = "The engine's report (JSON)", content = @Content(
            mediaType = "application/json", schema = @Schema(ref = JobApiDocs.REPORT)))
    @ApiResponse(responseCode = "409", description = "The job has not SUCCEEDED", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<InputStreamResource> report(@PathVariable UUID id) throws IOException {
        return download(jobs.report(id), MediaType.APPLICATION_JSON);
    }

    @GetMapping(value = "/{id}/calibration-cache", produces = MediaType.TEXT_PLAIN_VALUE)
    @Operation(operationId = "downloadCalibrationCache",
            summary = "The TensorRT calibration cache of a SUCCEEDED job whose target is tensorrt",
            description = "TensorRT's text format: a header line TRT-<version>-EntropyCalibration2, then one "
                    + "'tensor: hex' line per activation, hex being the big-endian bits of its float32 scale. The "
                    + "result's calibrationCache gives its SHA-256 and size.")
    @ApiResponse(responseCode = "200", description = "The calibration cache (text)", content = @Content(
            mediaType = "text/plain", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "404", description = "No such job, or its target produced no calibration cache", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    @ApiResponse(responseCode = "409", description = "The job has not SUCCEEDED", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<InputStreamResource> calibrationCache(@PathVariable UUID id) throws IOException {
        return download(jobs.calibrationCache(id), MediaType.TEXT_PLAIN);
    }

    @PostMapping(value = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "cancelQuantizationJob", summary = "Cancel a QUEUED or RUNNING job",
            description = "A running attempt stops within seconds and leaves no artifact; a finished job is a 409.")
    @ApiResponse(responseCode = "202", description = "Cancelled")
    @ApiResponse(responseCode = "409", description = "The job has already finished", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<JobView> cancel(@PathVariable UUID id) {
        return ResponseEntity.accepted().body(jobs.cancel(id));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteQuantizationJob", summary = "Delete a finished job and everything it stored",
            description = "Removes the job, its quantized model, its report, the objects of every attempt and its "
                    + "callback delivery. A QUEUED or RUNNING job is a 409: cancel it first.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "404", description = "No such job", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    @ApiResponse(responseCode = "409", description = "The job is QUEUED or RUNNING", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<Void> delete(@PathVariable UUID id) throws IOException {
        jobs.delete(id);
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(JobStateException.class)
    ProblemDetail illegalTransition(JobStateException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setType(URI.create("https://quantizer.io/problems/conflict"));
        problem.setTitle("Conflict with current state");
        return problem;
    }

    static ResponseEntity<JobView> accepted(JobView job) {
        return ResponseEntity.accepted().location(URI.create(job.links().self())).body(job);
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
