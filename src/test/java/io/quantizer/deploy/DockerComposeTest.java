package io.quantizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;

import io.quantizer.queue.WorkerProperties;
import io.quantizer.storage.StorageProperties;

/**
 * docker-compose.yml checked without a Docker engine: services, health checks and dependencies are there, and
 * the environment variables reach the properties the service really has (bound the way Spring Boot binds
 * environment variables) with values that point at the other services' settings.
 */
class DockerComposeTest {

    private static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        // SnakeYAML resolves the anchors and merge keys (<<) the file uses, as Compose does
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        services = (Map<String, Object>) compose.get("services");
    }

    @Test
    void runsPostgresMinioApiAndWorkerWithHealthChecks() {
        assertThat(services).containsOnlyKeys("postgres", "minio", "api", "worker");
        for (String name : services.keySet()) {
            assertThat(map(service(name), "healthcheck")).as(name).containsKey("test");
        }
        for (String role : List.of("api", "worker")) {
            Map<String, Object> service = service(role);
            assertThat(service).containsEntry("build", ".").containsEntry("image", "quantizer:local")
                    .containsEntry("read_only", true);
            assertThat(map(service, "depends_on")).containsOnlyKeys("postgres", "minio")
                    .allSatisfy((dependency, condition) -> assertThat(condition)
                            .isEqualTo(Map.of("condition", "service_healthy")));
            assertThat(String.join(" ", list(map(service, "healthcheck"), "test")))
                    .contains("/dev/tcp/127.0.0.1/8080", "GET /actuator/health/readiness");
            assertThat(list(service, "tmpfs")).singleElement().asString().startsWith("/tmp:").contains("exec");
        }
        assertThat(list(service("api"), "ports")).containsExactly("8080:8080");
        assertThat(service("worker")).doesNotContainKey("ports");
        assertThat(Path.of((String) service("api").get("build"), "Dockerfile")).isRegularFile();
    }

    @Test
    void environmentBindsToTheServiceAndPointsAtTheOtherServices() {
        Map<String, Object> postgres = map(service("postgres"), "environment");
        Map<String, Object> minio = map(service("minio"), "environment");
        for (String role : List.of("api", "worker")) {
            Binder binder = binder(role);
            StorageProperties storage = binder.bind("quantizer.storage", StorageProperties.class).get();
            assertThat(storage.type()).isEqualTo(StorageProperties.Type.S3);
            assertThat(URI.create(storage.s3().endpoint()).getHost()).isEqualTo("minio");
            assertThat(storage.s3().pathStyleAccess()).isTrue();
            assertThat(storage.s3().accessKey()).isEqualTo(minio.get("MINIO_ROOT_USER"));
            assertThat(storage.s3().secretKey()).isEqualTo(minio.get("MINIO_ROOT_PASSWORD"));

            String url = binder.bind("spring.datasource.url", String.class).get();
            assertThat(url).isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
            assertThat(binder.bind("spring.datasource.username", String.class).get()).isEqualTo(postgres.get("POSTGRES_USER"));
            assertThat(binder.bind("spring.datasource.password", String.class).get())
                    .isEqualTo(postgres.get("POSTGRES_PASSWORD"));
        }
        assertThat(binder("api").bind("quantizer.worker.enabled", Boolean.class).get()).isFalse();
        WorkerProperties worker = binder("worker").bind("quantizer.worker", WorkerProperties.class).get();
        assertThat(worker.enabled()).isTrue();
        assertThat(worker.concurrency()).isEqualTo(1);
        assertThat(worker.childMaxHeap()).isEqualTo(DataSize.ofGigabytes(2));
    }

    @Test
    void workerGetsMoreTimeToStopThanTheApi() {
        assertThat(seconds(service("worker").get("stop_grace_period")))
                .isGreaterThan(seconds(service("api").get("stop_grace_period")));
        assertThat(seconds(service("api").get("stop_grace_period"))).isGreaterThan(30);
    }

    private static long seconds(Object composeDuration) {
        return org.springframework.boot.convert.DurationStyle.SIMPLE.parse(composeDuration.toString()).toSeconds();
    }

    private static Binder binder(String role) {
        Map<String, Object> environment = map(service(role), "environment");
        return new Binder(ConfigurationPropertySources.from(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> parent, String key) {
        return (List<String>) parent.get(key);
    }
}
