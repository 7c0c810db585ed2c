package io.quantizer.job.page;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

import io.quantizer.job.JobLinks;
import io.quantizer.job.JobService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A job's report as a web page, under the API's path so it is protected like the rest of the job. */
@RestController
@Tag(name = "Quantization jobs")
class ReportPageController {

    static final String PATH = JobLinks.JOBS + "/{id}" + JobLinks.REPORT_PAGE;
    /**
     * Nothing from anywhere, not even this service, except the page's own stylesheet (by nonce) and an empty
     * data: icon; no scripts at all, no forms, no framing.
     */
    static final String POLICY = "default-src 'none'; style-src 'nonce-%s'; img-src data:; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";
    private static final String PROBLEM = "#/components/schemas/Problem";
    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8);

    private final JobService jobs;
    private final ReportPage page;
    private final SecureRandom random = new SecureRandom();

    ReportPageController(JobService jobs, ReportPage page) {
        this.jobs = jobs;
        this.page = page;
    }

    @GetMapping(value = PATH, produces = MediaType.TEXT_HTML_VALUE)
    @Operation(operationId = "viewQuantizationReportPage", summary = "The job's report as a web page (HTML)",
            description = "For people: the quality verdict and its reasons, fp32 against int8 accuracy, argmax "
                    + "agreement and per-output cosine and SQNR, latency at batch 1 and the larger batch with the "
                    + "speedup, size and compression, the nodes kept in float, the per-layer sensitivity and the "
                    + "accuracy search's trials when the job has them, the warnings and the recipe. Charts are "
                    + "inline SVG drawn by the server; the page loads nothing from other hosts and runs no script "
                    + "(a Content-Security-Policy forbids both). A job that has not SUCCEEDED shows its status, and "
                    + "its error when FAILED; a QUEUED or RUNNING one refreshes every 5 seconds.")
    @ApiResponse(responseCode = "200", description = "The page: an HTML document, UTF-8", content = @Content(
            mediaType = "text/html", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "400", description = "The id is not a UUID", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    @ApiResponse(responseCode = "404", description = "No such job", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<String> show(@PathVariable UUID id) {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String nonce = Base64.getEncoder().encodeToString(bytes);
        String html = page.render(jobs.get(id), nonce);
        return ResponseEntity.ok()
                .contentType(HTML)
                // the page of a running job changes, and once requests are authenticated it is one tenant's
                .cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", POLICY.formatted(nonce))
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .body(html);
    }
}
