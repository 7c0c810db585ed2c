package io.quantizer.queue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quantizer.engine.cli.EngineProtocol;
import tools.jackson.databind.ObjectMapper;

/**
 * The problem-details objects (RFC 9457) a FAILED job shows in {@code error}: what went wrong, in words the
 * user can act on, with the engine's own message (ONNX Runtime's, for a model it cannot load) in
 * {@code detail}.
 */
final class AttemptProblems {

    private static final String TYPE_BASE = "https://quantizer.io/problems/";
    private static final String OOM_MARKER = "java.lang.OutOfMemoryError";

    private final ObjectMapper mapper;
    private final WorkerProperties worker;

    AttemptProblems(ObjectMapper mapper, WorkerProperties worker) {
        this.mapper = mapper;
        this.worker = worker;
    }

    String engineExit(EngineOutcome outcome, int attempt) {
        int exit = outcome.exitCode();
        if (outcome.tail().stream().anyMatch(l -> l.contains(OOM_MARKER))) {
            return json("engine-out-of-memory", "The engine ran out of memory", 500,
                    "The engine used up its heap of " + worker.childMaxHeap().toMegabytes() + " MB and stopped; "
                            + "raise quantizer.worker.child-max-heap or lower calibration.maxSamples.",
                    attempt, exit, outcome.tail());
        }
        if (exit == EngineProtocol.EXIT_INPUT_ERROR) {
            return json("engine-rejected-input", "The model or data cannot be quantized", 422,
                    message(outcome, "the engine rejected the inputs"), attempt, exit, List.of());
        }
        if (exit == EngineProtocol.EXIT_INTERNAL_ERROR) {
            return json("engine-failed", "The quantization engine failed", 500,
                    message(outcome, "the engine failed without saying why"), attempt, exit, outcome.tail());
        }
        String how = exit > 128 ? "was killed by signal " + (exit - 128) : "exited with status " + exit;
        return json("engine-crashed", "The engine process ended abnormally", 500,
                "The engine process " + how + " before finishing"
                        + (outcome.errorMessage() != null ? ": " + outcome.errorMessage() : "")
                        + ". A native crash in ONNX Runtime or the operating system's out-of-memory killer are the "
                        + "usual causes.", attempt, exit, outcome.tail());
    }

    String timedOut(EngineOutcome outcome, int attempt, java.time.Duration limit) {
        return json("engine-timeout", "The engine ran too long", 500,
                "The engine was stopped after " + limit.toSeconds() + " s (quantizer.worker.timeout"
                        + (limit.equals(worker.timeout()) ? "" : ", plus the recipe's accuracy.timeLimit")
                        + "); the job did not finish in time.", attempt, null, outcome.tail());
    }

    String missingInput(String what, int attempt) {
        return json("input-missing", "An input is gone", 500,
                "The " + what + " this job uses is no longer in storage.", attempt, null, List.of());
    }

    String storageFailed(String what, Exception cause, int attempt) {
        return json("storage-failed", "Object storage failed", 503,
                "Could not " + what + " after " + worker.uploadAttempts() + " tries: " + cause.getMessage(),
                attempt, null, List.of());
    }

    String neverFinished(int attempt) {
        return json("attempts-exhausted", "The job was started too often", 500,
                "The job was started " + (attempt - 1) + " times and never finished (quantizer.worker.max-attempts "
                        + "is " + worker.maxAttempts() + "): each time the worker running it died or shut down before "
                        + "it ended, for example because the engine kept exhausting the machine's memory and its "
                        + "worker was killed with it. It is not run again.", attempt, null, List.of());
    }

    String resultTooLarge(long bytes, int attempt) {
        return json("result-too-large", "The job's result is too large", 500,
                "The engine's result summary is " + bytes + " bytes of JSON, more than the "
                        + worker.maxResultSize().toBytes() + " bytes a job can store "
                        + "(quantizer.worker.max-result-size).", attempt, null, List.of());
    }

    String badReport(Exception cause, int attempt) {
        return json("engine-failed", "The quantization engine failed", 500,
                "The engine finished but its report cannot be read: " + cause.getMessage(), attempt, null, List.of());
    }

    private static String message(EngineOutcome outcome, String fallback) {
        return outcome.errorMessage() != null && !outcome.errorMessage().isBlank() ? outcome.errorMessage() : fallback;
    }

    private String json(String type, String title, int status, String detail, int attempt, Integer exitCode,
                        List<String> output) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", TYPE_BASE + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("attempt", attempt);
        if (exitCode != null) {
            problem.put("exitCode", exitCode);
        }
        if (!output.isEmpty()) {
            problem.put("engineOutput", output);
        }
        return mapper.writeValueAsString(problem);
    }
}
