package io.quantizer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One Adobe S3Mock server per test JVM, run as a separate process from its executable jar (fetched by the build
 * into {@code target/s3mock/}, path in system property {@code quantizer.test.s3mock-jar}). Started on first use,
 * destroyed by a shutdown hook; its log goes to {@code target/s3mock/s3mock-<port>.log}.
 * <p>
 * It runs on the JVM that runs the tests (S3Mock 5.2.0 needs Java 17). Its HTTPS port ({@code server.port}) is
 * moved to a free port too, so several test JVMs never clash on 9191, and its store lives in a temp dir.
 * The payload limit is raised to {@value #MAX_PAYLOAD} so single-part uploads of test files fit.
 */
public final class S3MockServer {

    /** Bucket that exists from the start; the application under test may create others. */
    public static final String BUCKET = "quantizer-test";
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";
    public static final String REGION = "us-east-1";
    static final String MAX_PAYLOAD = "256MB";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    private static URI endpoint;

    private S3MockServer() {
    }

    /** Starts the server if needed; returns its HTTP endpoint, e.g. {@code http://localhost:41234}. */
    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = start();
        }
        return endpoint;
    }

    private static URI start() {
        Path jar = Path.of(System.getProperty("quantizer.test.s3mock-jar", "target/s3mock/s3mock-exec.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Mock jar not found at " + jar.toAbsolutePath()
                    + "; run ./mvnw process-test-resources (it copies the jar into target/s3mock)");
        }
        try {
            int httpPort = freePort();
            Path root = Files.createTempDirectory("s3mock-store");
            Path log = jar.toAbsolutePath().getParent().resolve("s3mock-" + httpPort + ".log");
            Process process = new ProcessBuilder(List.of(javaExecutable(), "-Xmx512m", "-jar", jar.toString(),
                    "--http.port=" + httpPort,
                    "--server.port=" + freePort(),
                    "--com.adobe.testing.s3mock.store.initialBuckets=" + BUCKET,
                    "--com.adobe.testing.s3mock.store.root=" + root,
                    "--com.adobe.testing.s3mock.store.retainFilesOnExit=false",
                    "--com.adobe.testing.s3mock.max-payload-size=" + MAX_PAYLOAD))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "s3mock-stop"));
            URI uri = URI.create("http://localhost:" + httpPort);
            awaitReady(uri, process, log);
            return uri;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start S3Mock", e);
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitReady(URI uri, Process process, Path log) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for S3Mock", e);
            }
            sleep(250);
        }
        stop(process);
        throw new IllegalStateException("S3Mock did not answer within " + STARTUP_TIMEOUT + "; see " + log);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
