package io.quantizer.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
import io.quantizer.job.JobFixtures;
import io.quantizer.job.JobTestClient;
import io.quantizer.job.JobTestClient.Response;
import io.quantizer.support.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job callbacks end to end on real PostgreSQL: a real HTTP receiver on loopback (allowed for the tests by
 * {@code quantizer.callbacks.allow=127.0.0.1/32}), signatures checked the way the README tells receivers to,
 * a retry after a 500, and private targets refused at submit.
 */
@IntegrationTest
class CallbackIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @TempDir
    Path dir;

    private JobTestClient client;
    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private UUID model;
    private UUID calibration;

    record Received(String timestamp, String signature, String delivery, byte[] body) {
    }

    @BeforeEach
    void start() throws Exception {
        client = new JobTestClient(port);
        model = client.uploadModel(JobFixtures.classifier(), "tiny_classifier.onnx");
        calibration = client.uploadDataset(JobFixtures.calibration(dir, "calibration.npz", 64));
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestHeaders().getFirst("X-Quantizer-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-Quantizer-Signature"),
                    exchange.getRequestHeaders().getFirst("X-Quantizer-Delivery"), body));
            exchange.sendResponseHeaders(failuresLeft.getAndDecrement() > 0 ? 500 : 204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private String rotateSecret() {
        Response rotated = client.post("/api/v1/callback-secret");
        assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
        assertThat(rotated.json().get("tenant").asString()).isEqualTo("default");
        return rotated.json().get("secret").asString();
    }

    /** What a receiver does: HMAC-SHA256 over "timestamp.body" with the secret, compared in constant time. */
    private static boolean verifies(String secret, Received request) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((request.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = ("sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body())))
                .getBytes(StandardCharsets.UTF_8);
        return request.signature() != null
                && MessageDigest.isEqual(expected, request.signature().getBytes(StandardCharsets.UTF_8));
    }

    private UUID submitWithCallback(String url) {
        Response submitted = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "callbackUrl", url));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        assertThat(submitted.json().get("callbackUrl").asString()).isEqualTo(url);
        return UUID.fromString(submitted.json().get("id").asString());
    }

    private void awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.size() < count) {
            assertThat(System.nanoTime()).as("waiting for %d callbacks, got %d", count, received.size())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void anEndedJobIsPostedSignedAndRetriedAfterA500() throws Exception {
        String secret = rotateSecret();
        failuresLeft.set(1);
        UUID id = submitWithCallback(hookUrl());
        Response cancelled = client.post(JobTestClient.JOBS + "/" + id + "/cancel");
        assertThat(cancelled.status()).as(cancelled.text()).isIn(202, 409);

        awaitReceived(2);
        JsonNode job = client.await(id, j -> "DELIVERED".equals(j.at("/callback/state").asString()), TIMEOUT);

        for (Received request : received) {
            assertThat(verifies(secret, request)).as("signature of %s", request).isTrue();
            assertThat(verifies(secret + "x", request)).isFalse();
            assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(request.timestamp())))
                    .isLessThan(300);
            assertThat(request.delivery()).isEqualTo(id.toString());
            JsonNode body = JSON.readTree(request.body());
            assertThat(body.get("id").asString()).isEqualTo(id.toString());
            assertThat(body.get("status").asString()).isIn("CANCELLED", "FAILED", "SUCCEEDED");
        }
        assertThat(received).hasSize(2);
        List<Integer> codes = new ArrayList<>();
        job.at("/callback/attempts").forEach(a -> codes.add(a.get("statusCode").asInt()));
        assertThat(codes).containsExactly(500, 204);
        assertThat(job.at("/callback/attempts/0/at").asString()).isNotBlank();
        assertThat(job.at("/callback/nextAttemptAt").isNull() || job.at("/callback/nextAttemptAt").isMissingNode())
                .isTrue();
    }

    @Test
    void aReceiverThatKeepsFailingIsGivenUpAfterMaxAttempts() throws Exception {
        rotateSecret();
        failuresLeft.set(100);
        UUID id = submitWithCallback(hookUrl());
        client.post(JobTestClient.JOBS + "/" + id + "/cancel");

        JsonNode job = client.await(id, j -> "FAILED".equals(j.at("/callback/state").asString()), TIMEOUT);

        // quantizer.callbacks.max-attempts is 3 in the tests, with a doubling pause between attempts
        assertThat(job.at("/callback/attempts")).hasSize(3);
        assertThat(received).hasSize(3);
        Instant first = Instant.parse(job.at("/callback/attempts/0/at").asString());
        Instant second = Instant.parse(job.at("/callback/attempts/1/at").asString());
        Instant third = Instant.parse(job.at("/callback/attempts/2/at").asString());
        assertThat(Duration.between(second, third)).isGreaterThan(Duration.between(first, second));
    }

    @Test
    void privateAndMalformedCallbackUrlsAreRefusedAtSubmitAndNoJobIsCreated() {
        long before = client.get(JobTestClient.JOBS + "?modelId=" + model).json().get("totalElements").asLong();
        for (String url : List.of("http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data",
                "http://[::ffff:169.254.169.254]/", "http://[::1]:8080/hook", "http://[fd00::1]/",
                "http://127.0.0.2/hook", "http://0.0.0.0/", "ftp://example.com/hook", "not a url",
                "https://example.com/" + "a".repeat(2048), "http://user:pw@example.com/")) {
            Response refused = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                    "callbackUrl", url));
            assertThat(refused.status()).as(url + ": " + refused.text()).isEqualTo(422);
            assertThat(refused.headers().getContentType()).hasToString("application/problem+json");
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("callbackUrl");
        }
        Response notAString = client.submit("{\"modelId\":\"" + model + "\",\"calibrationDatasetId\":\""
                + calibration + "\",\"callbackUrl\":42}", null);
        assertThat(notAString.status()).isIn(400, 422);
        assertThat(client.get(JobTestClient.JOBS + "?modelId=" + model).json().get("totalElements").asLong())
                .isEqualTo(before);
    }

    @Test
    void eachRotationShowsANewSecretOnceAndTheSecretIsNeverReadable() {
        String first = rotateSecret();
        String second = rotateSecret();

        assertThat(second).isNotEqualTo(first).hasSizeGreaterThanOrEqualTo(43);
        Response read = client.get("/api/v1/callback-secret");
        assertThat(read.status()).isEqualTo(405);
        assertThat(read.headers().getContentType()).hasToString("application/problem+json");
        assertThat(read.text()).doesNotContain(second);
    }

    @Test
    void deletingAJobDropsItsCallbackDelivery() throws Exception {
        rotateSecret();
        failuresLeft.set(100);
        UUID id = submitWithCallback(hookUrl());
        client.post(JobTestClient.JOBS + "/" + id + "/cancel");
        client.await(id, j -> j.at("/callback/attempts").size() >= 1, TIMEOUT);

        assertThat(client.delete(JobTestClient.JOBS + "/" + id).status()).isEqualTo(204);

        assertThat(jdbc.sql("SELECT COUNT(*) FROM callback_deliveries WHERE job_id = :id").param("id", id)
                .query(Long.class).single()).isZero();
    }
}
