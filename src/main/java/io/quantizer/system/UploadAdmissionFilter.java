package io.quantizer.system;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import io.quantizer.storage.UploadAdmission;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts every multipart request (the uploads) through {@link UploadAdmission} before the servlet container
 * spools its parts to the staging disk: admitted ones hold their room until the request ends, the others get
 * 503 problem+json with Retry-After and their body is never read.
 */
class UploadAdmissionFilter extends OncePerRequestFilter {

    private final UploadAdmission admission;
    private final long maxRequestBytes;
    private final Duration retryAfter;
    private final JsonMapper json;

    UploadAdmissionFilter(UploadAdmission admission, long maxRequestBytes, Duration retryAfter, JsonMapper json) {
        this.admission = admission;
        this.maxRequestBytes = maxRequestBytes;
        this.retryAfter = retryAfter;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return type == null || !type.toLowerCase(Locale.ROOT).startsWith(MediaType.MULTIPART_FORM_DATA_VALUE);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        // a chunked upload may be as large as the cap allows
        UploadAdmission.Result result = admission.admit(declared > 0 ? Math.min(declared, maxRequestBytes)
                : maxRequestBytes);
        if (result.ticket().isEmpty()) {
            refuse(request, response, result.refusal().orElseThrow().reason());
            return;
        }
        try (UploadAdmission.Ticket ticket = result.ticket().get()) {
            chain.doFilter(request, response);
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String reason) throws IOException {
        long seconds = Math.max(1, retryAfter.toSeconds());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", URI.create("https://quantizer.io/problems/upload-capacity").toString());
        body.put("title", "No room for the upload now");
        body.put("status", HttpStatus.SERVICE_UNAVAILABLE.value());
        body.put("detail", reason + " Retry after " + seconds + " seconds.");
        body.put("instance", request.getRequestURI());
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // the body is not read; let the container close the connection rather than drain it
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), body);
    }
}
