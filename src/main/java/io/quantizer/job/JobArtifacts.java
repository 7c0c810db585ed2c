package io.quantizer.job;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.quantizer.system.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * The files a SUCCEEDED job produced and where each is stored. The worker lists them in the result
 * ({@code artifacts}: the quantized model first, then its external data and any other output) and stores them
 * side by side under the attempt's prefix, so a file's key is the model's key with the file's name. A job that
 * finished before jobs listed their files has the model only.
 */
@Component
class JobArtifacts {

    /** One output file as the listing shows it, with the path it downloads from. */
    @Schema(name = "ArtifactLink", description = "One output file of a SUCCEEDED job and where to download it")
    record Link(String name, long sizeBytes, @Schema(description = "SHA-256 of the bytes, hex") String sha256,
                @Schema(example = "/api/v1/quantization-jobs/0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d/artifacts/"
                        + "model.int8.onnx.data") String href) {
    }

    /** The listing's body: an object, so that fields can join the file list without breaking clients. */
    @Schema(name = "ArtifactListing", description = "Every output file of a SUCCEEDED job, the model first")
    record Listing(UUID jobId, List<Link> files) {
    }

    private final JobService jobs;

    JobArtifacts(JobService jobs) {
        this.jobs = jobs;
    }

    /** Every output file of a SUCCEEDED job, the model first; 409 before then. */
    Listing list(UUID id) {
        JobService.StoredOutput model = jobs.artifact(id);
        String base = JobLinks.JOBS + "/" + id + "/artifacts/";
        return new Listing(id, files(id, model).stream()
                .map(a -> new Link(a.name(), a.sizeBytes(), a.sha256(), base + a.name())).toList());
    }

    /** Where one output file is stored and the name to download it as; 404 when the job has no such file. */
    JobService.StoredOutput file(UUID id, String name) {
        JobService.StoredOutput model = jobs.artifact(id);
        List<Artifact> files = files(id, model);
        if (files.stream().noneMatch(a -> a.name().equals(name))) {
            throw new ApiException.NotFound("Artifact of job " + id, name);
        }
        String key = model.objectKey();
        return new JobService.StoredOutput(key.substring(0, key.lastIndexOf('/') + 1) + name, name);
    }

    private List<Artifact> files(UUID id, JobService.StoredOutput model) {
        JsonNode result = jobs.get(id).result();
        JsonNode listed = result == null ? null : result.get("artifacts");
        List<Artifact> files = new ArrayList<>();
        if (listed != null && listed.isArray()) {
            for (JsonNode a : listed) {
                files.add(new Artifact(a.get("name").asString(), a.get("sizeBytes").asLong(),
                        a.get("sha256").asString()));
            }
        } else {
            JsonNode digest = result == null ? null : result.get("quantizedModel");
            String key = model.objectKey();
            files.add(new Artifact(key.substring(key.lastIndexOf('/') + 1),
                    digest == null ? 0 : digest.path("sizeBytes").asLong(),
                    digest == null ? "" : digest.path("sha256").asString()));
        }
        return files;
    }
}
