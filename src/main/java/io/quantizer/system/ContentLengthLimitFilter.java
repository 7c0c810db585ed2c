package io.quantizer.system;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a request whose declared Content-Length is over the upload cap with 413 before a byte of the body is
 * read, so a client learns at once and no disk is spent. Requests without a Content-Length (chunked) are
 * checked by the multipart limits and by {@code UploadStager} while streaming.
 */
class ContentLengthLimitFilter extends OncePerRequestFilter {

    private final long maxRequestBytes;
    private final long maxUploadBytes;
    private final JsonMapper json;

    ContentLengthLimitFilter(long maxRequestBytes, long maxUploadBytes, JsonMapper json) {
        this.maxRequestBytes = maxRequestBytes;
        this.maxUploadBytes = maxUploadBytes;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxRequestBytes) {
            reject(request, response);
            return;
        }
        chain.doFilter(request, response);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ProblemDetail problem = new ApiException.PayloadTooLarge(maxUploadBytes).getBody();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail() + " The request declared " + request.getContentLengthLong()
                + " bytes.");
        body.put("instance", request.getRequestURI());
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // the body is not read; let the container close the connection rather than drain gigabytes
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), body);
    }
}
