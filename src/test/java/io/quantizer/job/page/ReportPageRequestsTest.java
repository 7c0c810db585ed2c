package io.quantizer.job.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.quantizer.job.JobTestClient;
import io.quantizer.support.TempDataDirInitializer;
import io.quantizer.support.TestAuth;

/**
 * Authenticated requests for report pages that cannot be served get problem details, whatever the browser asked for.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class ReportPageRequestsTest {

    @LocalServerPort
    int port;

    private record Answer(int status, String contentType, JsonNode body) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*"})
    void anUnknownJobIsANotFoundProblem(String accept) {
        UUID nobody = UUID.randomUUID();
        Answer answer = get(JobTestClient.JOBS + "/" + nobody + "/report.html", accept);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().path("status").asInt()).isEqualTo(404);
        assertThat(answer.body().path("detail").asString()).contains(nobody.toString());
    }

    @Test
    void aMalformedIdIsABadRequestProblem() {
        Answer answer = get(JobTestClient.JOBS + "/not-a-uuid/report.html", "text/html,*/*;q=0.8");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().path("detail").asString()).contains("id");
    }

    @Test
    void theReportIsOnlyAPage() {
        Answer answer = get(JobTestClient.JOBS + "/" + UUID.randomUUID() + "/report.html", "application/json");

        assertThat(answer.status()).as("the JSON report is at /report").isEqualTo(406);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    private Answer get(String path, String accept) {
        return RestClient.builder().baseUrl("http://localhost:" + port).build().get().uri(path)
                .header("Accept", accept)
                .header(TestAuth.AUTHORIZATION, TestAuth.admin())
                .exchange((request, response) -> new Answer(response.getStatusCode().value(),
                        String.valueOf(response.getHeaders().getContentType()),
                        JsonMapper.builder().build().readTree(response.getBody().readAllBytes())));
    }
}
