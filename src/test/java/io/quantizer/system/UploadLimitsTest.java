package io.quantizer.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.micrometer.core.instrument.MeterRegistry;
import io.quantizer.storage.StagedUpload;
import io.quantizer.storage.UploadProperties;
import io.quantizer.storage.UploadStager;
import io.quantizer.support.TempDataDirInitializer;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The upload cap holds at every layer (Content-Length, multipart parser, streaming copy), always answers
 * 413 problem+json, and leaves no temp file behind on any path.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "quantizer.upload.max-size=64KB")
@ContextConfiguration(initializers = TempDataDirInitializer.class)
@Import(UploadLimitsTest.StagingController.class)
class UploadLimitsTest {

    private static final int MAX = 64 * 1024;

    @RestController
    static class StagingController {
        private final UploadStager stager;

        StagingController(UploadStager stager) {
            this.stager = stager;
        }

        @PostMapping("/test/stage")
        String stage(@RequestPart("file") MultipartFile file) throws IOException {
            try (StagedUpload staged = stager.stage(file, "probe")) {
                return staged.sha256() + " " + staged.sizeBytes();
            }
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    UploadProperties upload;

    @Autowired
    MeterRegistry meters;

    @Test
    void uploadUnderTheCapIsStagedCountedAndCleanedUp() throws Exception {
        double before = counted();

        HttpResponse<String> response = send(multipart(new byte[MAX], false));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(new byte[MAX])) + " " + MAX);
        assertThat(counted() - before).isEqualTo(MAX);
        assertTempDirEmpty();
    }

    @Test
    void declaredContentLengthOverTheCapIs413BeforeReading() throws Exception {
        HttpResponse<String> response = send(multipart(new byte[(int) upload.maxRequestBytes()], false));

        assertPayloadTooLarge(response);
        assertThat(response.body()).contains("declared");
        assertTempDirEmpty();
    }

    @Test
    void fileOverTheCapInsideAnAllowedRequestIs413() throws Exception {
        HttpResponse<String> response = send(multipart(new byte[MAX + 1], false));

        assertPayloadTooLarge(response);
        assertTempDirEmpty();
    }

    @Test
    void chunkedUploadOverTheCapIs413WhileStreaming() throws Exception {
        HttpResponse<String> response = send(multipart(new byte[3 * MAX], true));

        assertPayloadTooLarge(response);
        assertTempDirEmpty();
    }

    private void assertPayloadTooLarge(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JsonMapper.builder().build().readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(413);
        assertThat(problem.get("detail").asString()).contains(String.valueOf(MAX))
                .contains("quantizer.upload.max-size");
    }

    private double counted() {
        var counter = meters.find("quantizer.upload.bytes").tag("kind", "probe").counter();
        return counter == null ? 0 : counter.count();
    }

    /** Tomcat removes its spooled parts when the request ends, which may be just after the response is sent. */
    private void assertTempDirEmpty() throws Exception {
        Path dir = upload.tempDir();
        List<Path> left = List.of();
        for (int i = 0; i < 50; i++) {
            try (Stream<Path> files = Files.list(dir)) {
                left = files.toList();
            }
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(left).as("files left in " + dir).isEmpty();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest multipart(byte[] content, boolean chunked) throws IOException {
        String boundary = "limit-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.onnx\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] bytes = body.toByteArray();
        HttpRequest.BodyPublisher publisher = chunked
                // a publisher of unknown length makes the client send Transfer-Encoding: chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes);
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/test/stage"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(publisher).build();
    }
}
