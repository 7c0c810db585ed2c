package io.quantizer.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.yaml.snakeyaml.Yaml;

import io.quantizer.support.TempDataDirInitializer;

/**
 * {@code openapi.yaml} at the repository root must equal what the running service serves at
 * {@code /v3/api-docs.yaml} (compared as data, not text). After changing the API, regenerate the file with
 * <pre>./mvnw -q test -Dtest=OpenApiContractTest -Dquantizer.openapi.write=true</pre>
 * and review the diff before committing it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class OpenApiContractTest {

    private static final Path CONTRACT = Path.of(System.getProperty("quantizer.openapi.file", "openapi.yaml"));
    private static final String REGENERATE =
            "./mvnw -q test -Dtest=OpenApiContractTest -Dquantizer.openapi.write=true";

    @LocalServerPort
    int port;

    @Test
    void servedDocumentMatchesOpenapiYaml() throws Exception {
        String served = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v3/api-docs.yaml")).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();

        if (Boolean.getBoolean("quantizer.openapi.write")) {
            Files.writeString(CONTRACT, served, StandardCharsets.UTF_8);
        }

        assertThat(CONTRACT).as("%s is missing; generate it with %s", CONTRACT.toAbsolutePath(), REGENERATE)
                .exists();
        Object expected = new Yaml().load(Files.readString(CONTRACT, StandardCharsets.UTF_8));
        Object actual = new Yaml().load(served);
        assertThat(YamlDiff.between(expected, actual))
                .as("%s differs from the served API (left: file, right: served). If the change is intended, run %s",
                        CONTRACT, REGENERATE)
                .isEmpty();
        assertThat(actual).isEqualTo(expected);
    }
}
