package io.quantizer.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import io.quantizer.storage.UploadAdmission;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Uploads beyond what the staging disk holds get 503 with Retry-After before their body is read. */
class UploadAdmissionFilterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static MockHttpServletRequest upload(long contentLength) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/models");
        request.setContentType("multipart/form-data; boundary=x");
        request.addHeader("Content-Length", contentLength);
        return request;
    }

    @Test
    void anUploadWithoutRoomGets503WithRetryAfterAndIsNeverRead() throws Exception {
        UploadAdmission admission = new UploadAdmission(4, 1000, () -> 5000);
        UploadAdmissionFilter filter = new UploadAdmissionFilter(admission, 10_000, Duration.ofSeconds(45), JSON);
        AtomicInteger reached = new AtomicInteger();
        MockHttpServletResponse response = new MockHttpServletResponse();

        filter.doFilter(upload(4500), response, new MockFilterChain(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) {
                reached.incrementAndGet();
            }
        }));

        assertThat(reached).hasValue(0);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("45");
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(response.getContentAsString());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asString()).contains("staging disk", "Retry after 45 seconds");
        assertThat(admission.admitted()).isZero();
    }

    @Test
    void anAdmittedUploadHoldsItsRoomUntilTheRequestEnds() throws Exception {
        UploadAdmission admission = new UploadAdmission(1, 0, () -> Long.MAX_VALUE);
        UploadAdmissionFilter filter = new UploadAdmissionFilter(admission, 10_000, Duration.ofSeconds(30), JSON);
        AtomicInteger seenInside = new AtomicInteger(-1);
        MockHttpServletResponse concurrent = new MockHttpServletResponse();

        filter.doFilter(upload(100), new MockHttpServletResponse(), new MockFilterChain(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
                seenInside.set(admission.admitted());
                try {
                    // a second upload while this one is in flight
                    filter.doFilter(upload(100), concurrent, new MockFilterChain());
                } catch (jakarta.servlet.ServletException e) {
                    throw new IllegalStateException(e);
                }
            }
        }));

        assertThat(seenInside).hasValue(1);
        assertThat(concurrent.getStatus()).isEqualTo(503);
        assertThat(concurrent.getHeader("Retry-After")).isEqualTo("30");
        assertThat(admission.admitted()).as("released when the request ended").isZero();
    }

    @Test
    void requestsThatAreNotUploadsPassUntouched() throws Exception {
        UploadAdmission admission = new UploadAdmission(1, Long.MAX_VALUE, () -> 0);
        UploadAdmissionFilter filter = new UploadAdmissionFilter(admission, 10_000, Duration.ofSeconds(30), JSON);
        MockHttpServletRequest json = new MockHttpServletRequest("POST", "/api/v1/quantization-jobs");
        json.setContentType("application/json");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(json, response, chain);

        assertThat(chain.getRequest()).isSameAs(json);
        assertThat(response.getStatus()).isEqualTo(200);
    }
}
