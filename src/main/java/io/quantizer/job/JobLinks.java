package io.quantizer.job;

import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Where to follow a job and fetch its outputs, as paths on this service, so a person in Swagger UI (or a client)
 * need not assemble URLs. The outputs are named only once the job has SUCCEEDED; the report page exists for every
 * job (an unfinished one shows its status, a failed one its error).
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
        @Schema(description = "the report as a web page for people (HTML, works offline): accuracy, latency, size,"
                + " per-layer sensitivity, accuracy-search trials and warnings; the status and error until SUCCEEDED",
                example = "/api/v1/quantization-jobs/0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d/report.html")
        String reportPage,
        @Schema(description = "the TensorRT calibration cache (text); only for a SUCCEEDED job whose recipe's target"
                + " is tensorrt, else null",
                example = "/api/v1/quantization-jobs/0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d/calibration-cache")
        String calibrationCache,
        @Schema(description = "the list of every output file (the model, its external data, other outputs), "
                + "each downloadable at this path + '/' + its name; null until SUCCEEDED",
                example = "/api/v1/quantization-jobs/0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d/artifacts")
        String artifacts) {

    public static final String JOBS = "/api/v1/quantization-jobs";
    /** The report page's path under a job's own path. */
    public static final String REPORT_PAGE = "/report.html";

    static JobLinks of(UUID id, JobStatus status, boolean calibrationCache) {
        String self = JOBS + "/" + id;
        boolean outputs = status == JobStatus.SUCCEEDED;
        return new JobLinks(self, outputs ? self + "/artifact" : null, outputs ? self + "/report" : null,
                self + REPORT_PAGE,
                outputs && calibrationCache ? self + "/calibration-cache" : null,
                outputs ? self + "/artifacts" : null);
    }
}
