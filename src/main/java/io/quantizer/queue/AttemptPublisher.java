package io.quantizer.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.job.Artifact;
import io.quantizer.job.JobLifecycle;
import io.quantizer.job.JobLifecycle.Claim;
import io.quantizer.job.JobTimings;
import io.quantizer.job.StaleAttemptException;
import io.quantizer.queue.JobAttemptRunner.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Uploads a completed attempt's artifacts (the quantized model, its external data, any other file the engine wrote
 * beside it) and report under its own prefix and publishes SUCCEEDED. The result shown on the job is the
 * report's {@code summary} plus the model's digest, the list of artifacts and the attempt's own timings, at most {@code quantizer.worker.max-result-size} of JSON. Never SUCCEEDED without an artifact: uploads come first, and an attempt that cannot finish
 * them (or loses the job meanwhile) removes what it wrote.
 */
final class AttemptPublisher {

    private static final Logger log = LoggerFactory.getLogger(AttemptPublisher.class);

    private final JobLifecycle lifecycle;
    private final StoreTransfers transfers;
    private final AttemptProblems problems;
    private final ObjectMapper mapper;
    private final long maxResultBytes;

    AttemptPublisher(JobLifecycle lifecycle, StoreTransfers transfers, AttemptProblems problems, ObjectMapper mapper,
                     long maxResultBytes) {
        this.maxResultBytes = maxResultBytes;
        this.lifecycle = lifecycle;
        this.transfers = transfers;
        this.problems = problems;
        this.mapper = mapper;
    }

    static String jobPrefix(UUID jobId) {
        return io.quantizer.job.JobStorage.prefix(jobId);
    }

    static String attemptPrefix(UUID jobId, int attempt) {
        return jobPrefix(jobId) + "attempt-" + attempt + "/";
    }

    /** How long the attempt's own steps took, shown in the result as {@code jobTimings}. */
    record Timings(Duration fetch, Duration engineStart, Duration engine) {
    }

    Outcome publish(Claim claim, AttemptWorkspace workspace, Timings attempt) throws InterruptedException {
        try {
            lifecycle.advance(claim.jobId(), claim.attempt(), Stage.PUBLISHING, 0);
        } catch (StaleAttemptException e) {
            return Outcome.LOST;
        }
        ObjectNode result;
        List<Artifact> artifacts;
        try {
            JsonNode report = readReport(workspace.outputReport());
            artifacts = artifacts(workspace);
            result = report.get("summary") instanceof ObjectNode summary ? summary.deepCopy()
                    : mapper.createObjectNode();
        } catch (IOException | JacksonException e) {
            return JobAttemptRunner.failOrLose(lifecycle, claim, problems.badReport(e, claim.attempt()));
        }
        String prefix = attemptPrefix(claim.jobId(), claim.attempt());
        String artifactKey = prefix + workspace.outputModel().getFileName();
        String reportKey = prefix + "report.json";
        long uploadStarted = System.nanoTime();
        try {
            for (Artifact artifact : artifacts) {
                transfers.upload(workspace.outputs().resolve(artifact.name()), prefix + artifact.name());
            }
            transfers.upload(workspace.outputReport(), reportKey);
        } catch (IOException e) {
            transfers.deleteAll(prefix);
            return JobAttemptRunner.failOrLose(lifecycle, claim,
                    problems.storageFailed("store the quantized model and report", e, claim.attempt()));
        }
        Duration uploading = Duration.ofNanos(System.nanoTime() - uploadStarted);
        ObjectNode model = result.putObject("quantizedModel");
        model.put("sha256", artifacts.get(0).sha256());
        model.put("sizeBytes", artifacts.get(0).sizeBytes());
        result.set("artifacts", mapper.valueToTree(artifacts));
        result.set("jobTimings", mapper.valueToTree(new JobTimings(seconds(attempt.fetch()),
                seconds(attempt.engineStart()), seconds(attempt.engine()), seconds(uploading))));
        String resultJson = mapper.writeValueAsString(result);
        long resultBytes = resultJson.getBytes(StandardCharsets.UTF_8).length;
        if (resultBytes > maxResultBytes) {
            // failing is final: storing it would bloat every read of the job, and a retry yields the same result
            transfers.deleteAll(prefix);
            return JobAttemptRunner.failOrLose(lifecycle, claim, problems.resultTooLarge(resultBytes, claim.attempt()));
        }
        return succeed(claim, resultJson, artifactKey, reportKey, prefix);
    }

    private Outcome succeed(Claim claim, String resultJson, String artifactKey, String reportKey, String prefix) {
        try {
            lifecycle.succeed(claim.jobId(), claim.attempt(), resultJson, artifactKey, reportKey);
            return Outcome.FINISHED;
        } catch (StaleAttemptException e) {
            log.info("job {} attempt {} lost the job before publishing; deleting its outputs", claim.jobId(),
                    claim.attempt());
            transfers.deleteAll(prefix);
            return Outcome.LOST;
        }
    }

    /**
     * Every file the engine left in the output directory, the quantized model first: its external data, and any
     * other output (a tensorrt run's calibration cache, which {@code CalibrationCacheOutput} finds here) are
     * artifacts the job lists and serves too.
     */
    private static List<Artifact> artifacts(AttemptWorkspace workspace) throws IOException {
        Path model = workspace.outputModel();
        if (!Files.isRegularFile(model) || Files.size(model) == 0) {
            throw new IOException("the quantized model file is missing or empty");
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(workspace.outputs())) {
            files = listed.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing((Path p) -> !p.equals(model)).thenComparing(Path::getFileName))
                    .toList();
        }
        List<Artifact> artifacts = new ArrayList<>();
        for (Path file : files) {
            artifacts.add(new Artifact(file.getFileName().toString(), Files.size(file), sha256(file)));
        }
        return artifacts;
    }

    private JsonNode readReport(Path report) throws IOException {
        try (InputStream in = Files.newInputStream(report)) {
            JsonNode node = mapper.readTree(in);
            if (node == null || !node.isObject()) {
                throw new IOException("the report is not a JSON object");
            }
            return node;
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static double seconds(Duration d) {
        return Math.round(d.toNanos() / 1e6) / 1000.0;
    }
}
