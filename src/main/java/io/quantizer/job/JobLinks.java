package io.quantizer.job;

import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Where to follow a job and fetch its outputs, as paths on this service, so a person in Swagger UI (or a client)
 * need not assemble URLs. The outputs are named only once the job has SUCCEEDED.
 */
@Schema(name = "QuantizationJobLinks")
public record JobLinks(
        @Schema(description = "this job", example = "/api/v1/quantization-jobs/0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d")
        String self,
        @Schema(description = "the quantized .onnx; null until SUCCEEDED",
                example = "/api/v1/quantization-jobs/0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d/artifact")
        String artifact,
        @Schema(description = "the full report (JSON); null until SUCCEEDED",
                example = "/api/v1/quantization-jobs/0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d/report")
        String report,
        @Schema(description = "the list of every output file (the model, its external data, other outputs), "
                + "each downloadable at this path + '/' + its name; null until SUCCEEDED",
                example = "/api/v1/quantization-jobs/0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d/artifacts")
        String artifacts) {

    static final String JOBS = "/api/v1/quantization-jobs";

    static JobLinks of(UUID id, JobStatus status) {
        String self = JOBS + "/" + id;
        boolean outputs = status == JobStatus.SUCCEEDED;
        return new JobLinks(self, outputs ? self + "/artifact" : null, outputs ? self + "/report" : null,
                outputs ? self + "/artifacts" : null);
    }
}
