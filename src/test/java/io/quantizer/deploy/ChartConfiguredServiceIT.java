package io.quantizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.quantizer.QuantizerApplication;
import io.quantizer.job.JobFixtures;
import io.quantizer.job.JobTestClient;
import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.s3.S3ObjectStore;
import io.quantizer.support.S3MockServer;
import io.quantizer.support.TestAuth;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service started the way the Helm chart's api Deployment starts it: the ConfigMap files the chart renders
 * (application.yaml, api.yaml, overrides.yaml) as spring.config.additional-location, credentials as separate
 * settings like the chart's Secret-backed environment variables, plus the {@code json-logs} profile. Only ports
 * and the data directory differ (free ports, a temp dir instead of the pod's volume).
 * <p>
 * It has a PostgreSQL of its own, not the shared test one: it counts queued jobs exactly (no other test's
 * worker may take them), and its last test stops the database to show that liveness survives an outage while
 * readiness does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class ChartConfiguredServiceIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedPostgres postgres;
    private RenderedChart chart;
    private ConfigurableApplicationContext context;
    private Path dir;
    private String management;
    private int apiPort;
    private String startupLog;

    @BeforeAll
    void start(CapturedOutput output) throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        dir = Files.createTempDirectory("quantizer-charted");
        chart = RenderedChart.render("""
                database: {host: localhost, port: %d, name: postgres, username: postgres, password: postgres,
                           sslMode: disable}
                storage:
                  s3: {endpoint: "%s", bucket: %s, pathStyleAccess: true, accessKey: %s, secretKey: %s}
                worker:
                  autoscaling: {enabled: true}
                security:
                  adminKey: {existingSecret: quantizer-admin, key: admin-key}
                """.formatted(postgres.getPort(), S3MockServer.endpoint(), S3MockServer.BUCKET,
                S3MockServer.ACCESS_KEY, S3MockServer.SECRET_KEY));

        List<String> args = new ArrayList<>();
        args.add("--spring.config.additional-location=" + mountConfigMap());
        // the Secret-backed environment variables of the chart, as settings of the same precedence
        args.add("--spring.datasource.password=postgres");
        args.add("--quantizer.storage.s3.access-key=" + S3MockServer.ACCESS_KEY);
        args.add("--quantizer.storage.s3.secret-key=" + S3MockServer.SECRET_KEY);
        // the bootstrap admin key the chart takes from the named Secret; the test clients authenticate with it
        assertThat(HelmChartTest.env(chart.container("api")).get("QUANTIZER_SECURITY_ADMINKEY").getValueFrom()
                .getSecretKeyRef().getName()).isEqualTo("quantizer-admin");
        args.add("--quantizer.security.admin-key=" + TestAuth.ADMIN_KEY);
        args.add("--server.port=0");
        args.add("--management.server.port=0");
        args.add("--quantizer.data-dir=" + dir.resolve("data"));
        // a dead database must fail the readiness check within the probe's timeout, not after Hikari's 30 s
        args.add("--spring.datasource.hikari.connection-timeout=2000");
        // Logback keeps the configuration of the first application in this JVM while that one is open (cached test
        // contexts are): release it so this application applies its own, with the json-logs profile's format
        LoggingSystem.get(QuantizerApplication.class.getClassLoader()).cleanUp();
        context = new SpringApplicationBuilder(QuantizerApplication.class).main(QuantizerApplication.class)
                .profiles("json-logs")
                .run(args.toArray(String[]::new));
        startupLog = output.getOut();
        management = "http://localhost:" + context.getEnvironment().getProperty("local.management.port");
        apiPort = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** Writes the ConfigMap's files to a directory and returns the api's location list pointing there. */
    private String mountConfigMap() throws IOException {
        Path config = Files.createDirectories(dir.resolve("config"));
        for (Map.Entry<String, String> file : chart.config().getData().entrySet()) {
            Files.writeString(config.resolve(file.getKey()), file.getValue());
        }
        EnvVar location = HelmChartTest.env(chart.container("api")).get("SPRING_CONFIG_ADDITIONAL_LOCATION");
        return location.getValue().replace("file:/config/", "file:" + config + "/");
    }

    @AfterAll
    void stop() throws IOException {
        if (context != null) {
            context.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        FileSystemUtils.deleteRecursively(dir);
    }

    @Test
    @Order(1)
    void runsAsTheApiRoleOnPostgresAndS3() throws SQLException {
        assertThat(context.getEnvironment().getProperty("quantizer.worker.enabled", Boolean.class)).isFalse();
        assertThat(context.getEnvironment().getProperty("db-scheduler.enabled", Boolean.class)).isFalse();
        assertThat(context.getEnvironment().getProperty("quantizer.upload.max-size")).isEqualTo("2GB");
        try (Connection connection = context.getBean(javax.sql.DataSource.class).getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
        assertThat(context.getBean(ObjectStore.class)).isInstanceOf(S3ObjectStore.class);
    }

    @Test
    @Order(2)
    void healthGroupsAreUpOnTheManagementPortOnly() throws Exception {
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        HttpResponse<String> readiness = get("/actuator/health/readiness");

        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(json(liveness).path("status").asString()).isEqualTo("UP");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(json(readiness).path("status").asString()).isEqualTo("UP");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + apiPort + "/actuator/health"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void queueDepthIsWhatKedaAndPrometheusSee() throws Exception {
        JobTestClient client = new JobTestClient(apiPort);
        UUID model = client.uploadModel(JobFixtures.classifier(), "tiny.onnx");
        UUID calibration = client.uploadDataset(JobFixtures.calibration(dir, "calibration.npz", 8));
        JobTestClient.Response submitted = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);

        // an api-role instance queues but never runs jobs: it stays QUEUED
        Thread.sleep(3000);
        UUID job = UUID.fromString(submitted.json().path("id").asString());
        assertThat(client.job(job).path("status").asString()).isEqualTo("QUEUED");
        assertThat(kedaQueueDepth()).isEqualTo(1);
        awaitMetric("quantizer_queue_depth", 1.0);
        awaitMetric("quantizer_jobs{status=\"QUEUED\"}", 1.0);
        awaitMetric("quantizer_jobs{status=\"RUNNING\"}", 0.0);
    }

    /** Runs the ScaledObject's query with the connection settings of its trigger, as KEDA would. */
    private long kedaQueueDepth() throws SQLException {
        KedaResources.Trigger trigger = chart.all(KedaResources.ScaledObject.class).get(0).spec().triggers().get(0);
        Map<String, String> meta = trigger.metadata();
        String url = "jdbc:postgresql://localhost:" + meta.get("port") + "/" + meta.get("dbName")
                + "?sslmode=" + meta.get("sslmode");
        try (Connection connection = DriverManager.getConnection(url, meta.get("userName"), "postgres");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(meta.get("query"))) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }

    private void awaitMetric(String series, double expected) throws Exception {
        Pattern line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Double last = null;
        while (System.nanoTime() < deadline) {
            Matcher matcher = line.matcher(get("/actuator/prometheus").body());
            last = matcher.find() ? Double.parseDouble(matcher.group(1)) : null;
            if (last != null && last == expected) {
                return;
            }
            Thread.sleep(500);
        }
        assertThat(last).as(series).isEqualTo(expected);
    }

    @Test
    @Order(4)
    void prometheusExposesJvmPoolAndJobMetrics() throws Exception {
        HttpResponse<String> scrape = get("/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(scrape.body()).contains("jvm_memory_used_bytes", "hikaricp_connections_active",
                "process_cpu_usage", "http_server_requests_seconds_count", "quantizer_upload_bytes_total",
                "quantizer_jobs{status=\"SUCCEEDED\"}");
    }

    @Test
    @Order(5)
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
    @Order(6)
    void shutdownIsGracefulWithTheChartsPhaseTimeout() {
        assertThat(context.getEnvironment().getProperty("server.shutdown")).isEqualTo("graceful");
        assertThat(context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
                .isEqualTo("30s");
    }

    @Test
    @Order(7)
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
