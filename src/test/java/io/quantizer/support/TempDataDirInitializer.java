package io.quantizer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * Gives each test application context a fresh {@code quantizer.data-dir} (H2 database, filesystem objects,
 * upload temp files) in a temp dir, so tests never write into the working directory and never see data of an
 * earlier run, and the bootstrap admin key {@link TestAuth#ADMIN_KEY}. Use with {@code @ContextConfiguration(initializers = TempDataDirInitializer.class)};
 * {@link IntegrationTest} applies it too.
 */
public class TempDataDirInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        try {
            Path dataDir = Files.createTempDirectory("quantizer-test-data");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dataDir), "test-data-dir-cleanup"));
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(
                    "quantizer-test-data-dir", Map.of("quantizer.data-dir", dataDir.toString(),
                    "quantizer.security.admin-key", TestAuth.ADMIN_KEY)));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a test data dir", e);
        }
    }

    private static void deleteQuietly(Path dataDir) {
        try {
            FileSystemUtils.deleteRecursively(dataDir);
        } catch (IOException ignored) {
            // best effort at JVM exit; it is a temp dir
        }
    }
}
