package io.quantizer.system;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Caps every request body that is not a multipart upload (JSON above all) at {@code quantizer.api.max-json-size}
 * with 413: from a declared Content-Length before a byte is read, and for a chunked body by reading at most one
 * byte past the cap, then handing the buffered body on. Multipart uploads are capped by
 * {@link ContentLengthLimitFilter} and their text parts by {@link TextPartLimitInterceptor}.
 */
class JsonBodyLimitFilter extends OncePerRequestFilter {

    private final ApiProperties api;
    private final JsonMapper json;

    JsonBodyLimitFilter(ApiProperties api, JsonMapper json) {
        this.api = api;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null && contentType.toLowerCase().startsWith("multipart/")) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        int max = api.maxJsonBytes();
        if (declared > max) {
            reject(request, response, "The request body (" + declared + " bytes declared) is");
            return;
        }
        if (declared < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            byte[] body = request.getInputStream().readNBytes(max + 1);
            if (body.length > max) {
                reject(request, response, "The chunked request body is");
                return;
            }
            chain.doFilter(new BufferedBody(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, String what) throws IOException {
        ProblemDetail problem = api.tooLarge(what).getBody();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("instance", request.getRequestURI());
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // the rest of the body is not read; let the container close the connection rather than drain it
        response.setHeader(HttpHeaders.CONNECTION, "close");
        json.writeValue(response.getOutputStream(), body);
    }

    /** The request with its (small, already read) body served from memory. */
    private static final class BufferedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already buffered");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            String charset = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(new ByteArrayInputStream(body),
                    java.nio.charset.Charset.forName(charset)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
