package io.quantizer.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import io.quantizer.QuantizerApplication;
import io.quantizer.support.S3MockServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service configured as the Helm chart runs it: PostgreSQL, S3, actuator on its own port, JSON logs. It has
 * a PostgreSQL of its own (not the shared test one) because the last test stops it to check that liveness
 * survives a database outage while readiness does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class ProductionSettingsIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedPostgres postgres;
    private ConfigurableApplicationContext context;
    private Path dataDir;
    private String management;
    private String startupLog;

    @BeforeAll
    void start(CapturedOutput output) throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        dataDir = Files.createTempDirectory("quantizer-production-settings");
        // command-line arguments, so they win over application.yml as the chart's settings do
        context = new SpringApplicationBuilder(QuantizerApplication.class).main(QuantizerApplication.class)
                .profiles("json-logs")
                .run("--server.port=0",
                        "--management.server.port=0",
                        "--quantizer.data-dir=" + dataDir,
                        "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        // a dead database must fail the readiness check quickly, not after Hikari's 30 s default
                        "--spring.datasource.hikari.connection-timeout=2000",
                        "--quantizer.storage.type=s3",
                        "--quantizer.storage.s3.endpoint=" + S3MockServer.endpoint(),
                        "--quantizer.storage.s3.bucket=" + S3MockServer.BUCKET,
                        "--quantizer.storage.s3.access-key=" + S3MockServer.ACCESS_KEY,
                        "--quantizer.storage.s3.secret-key=" + S3MockServer.SECRET_KEY);
        startupLog = output.getOut();
        management = "http://localhost:" + context.getEnvironment().getProperty("local.management.port");
    }

    @AfterAll
    void stop() throws IOException {
        if (context != null) {
            context.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        FileSystemUtils.deleteRecursively(dataDir);
    }

    @Test
    @Order(1)
    void healthGroupsAreUpOnTheManagementPort() throws Exception {
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        HttpResponse<String> readiness = get("/actuator/health/readiness");

        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(json(liveness).path("status").asString()).isEqualTo("UP");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(json(readiness).path("status").asString()).isEqualTo("UP");
        // the API port does not serve the actuator when it has its own port
        String apiPort = context.getEnvironment().getProperty("local.server.port");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + apiPort + "/actuator/health"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void runsOnPostgresAndS3() {
        assertThat(context.getBean(javax.sql.DataSource.class)).satisfies(dataSource -> {
            try (var connection = dataSource.getConnection()) {
                assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            }
        });
        assertThat(context.getBean(io.quantizer.storage.ObjectStore.class))
                .isInstanceOf(io.quantizer.storage.s3.S3ObjectStore.class);
    }

    @Test
    @Order(3)
    void prometheusExposesJvmHttpAndPoolMetrics() throws Exception {
        get("/actuator/health");
        HttpResponse<String> scrape = get("/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(scrape.body()).contains("jvm_memory_used_bytes", "hikaricp_connections_active",
                "process_cpu_usage", "jvm_threads_live_threads");
    }

    @Test
    @Order(4)
    void jsonLogsProfileWritesOneEcsObjectPerLine() {
        List<String> started = startupLog.lines().filter(line -> line.contains("Started QuantizerApplication"))
                .toList();

        assertThat(started).singleElement().satisfies(line -> {
            JsonNode event = JsonMapper.shared().readTree(line);
            assertThat(event.path("@timestamp").asString()).isNotBlank();
            assertThat(event.at("/log/level").asString()).isEqualTo("INFO");
            assertThat(event.at("/ecs/version").asString()).isNotBlank();
        });
    }

    @Test
    @Order(5)
    void gracefulShutdownIsConfigured() {
        assertThat(context.getEnvironment().getProperty("server.shutdown")).isEqualTo("graceful");
        assertThat(context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("30s");
    }

    @Test
    @Order(6)
    void aDatabaseOutageTakesThePodOutOfServiceWithoutRestartingIt() throws Exception {
        postgres.close();

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        HttpResponse<String> liveness = get("/actuator/health/liveness");

        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(json(readiness).path("status").asString()).isEqualTo("DOWN");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(json(liveness).path("status").asString()).isEqualTo("UP");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(management + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.shared().readTree(response.body());
    }
}
