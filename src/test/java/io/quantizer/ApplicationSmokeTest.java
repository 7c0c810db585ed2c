package io.quantizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.client.RestClient;

import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.filesystem.FilesystemObjectStore;
import io.quantizer.support.TempDataDirInitializer;

/** The application on its embedded defaults (H2 file database, filesystem storage), as `spring-boot:run` starts it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class ApplicationSmokeTest {

    @LocalServerPort
    int port;

    @Autowired
    ObjectStore objectStore;

    @Autowired
    Environment environment;

    @Test
    void startsOnEmbeddedDefaultsAndIsHealthy() {
        String health = RestClient.create("http://localhost:" + port).get().uri("/actuator/health")
                .retrieve().body(String.class);

        assertThat(health).contains("\"status\":\"UP\"");
        assertThat(RestClient.create("http://localhost:" + port).get().uri("/actuator/health/readiness")
                .retrieve().body(String.class)).contains("\"status\":\"UP\"");
        assertThat(objectStore).isInstanceOf(FilesystemObjectStore.class);
        assertThat(((FilesystemObjectStore) objectStore).root())
                .startsWith(java.nio.file.Path.of(environment.getProperty("quantizer.data-dir")).toAbsolutePath().normalize());
        assertThat(environment.getProperty("spring.datasource.url")).startsWith("jdbc:h2:file:");
    }

    @Test
    void swaggerUiServesThePageAndPointsAtTheServedContract() {
        RestClient client = RestClient.create("http://localhost:" + port);
        String page = client.get().uri("/swagger-ui/index.html").retrieve().body(String.class);
        String config = client.get().uri("/v3/api-docs/swagger-config").retrieve().body(String.class);
        String contract = client.get().uri("/v3/api-docs").retrieve().body(String.class);

        assertThat(page).contains("<div id=\"swagger-ui\">");
        assertThat(config).contains("\"url\":\"/v3/api-docs\"");
        assertThat(contract).contains("/api/v1/models", "/api/v1/datasets", "/api/v1/quantization-jobs");
    }
}
