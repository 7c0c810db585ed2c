package io.quantizer.job;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** Where the callback of an ended job stands, as the job view shows it. */
@Schema(name = "CallbackDelivery", description = "the callback POSTed when the job ended, and every attempt so far")
public record CallbackStatus(
        @Schema(description = "PENDING while attempts remain, DELIVERED after a 2xx answer, FAILED once every "
                + "attempt failed", allowableValues = {"PENDING", "DELIVERED", "FAILED"}) String state,
        @Schema(description = "when the next attempt is due; while PENDING", nullable = true) Instant nextAttemptAt,
        @Schema(description = "every attempt, oldest first") List<Attempt> attempts) {

    public CallbackStatus {
        attempts = List.copyOf(attempts);
    }

    @Schema(name = "CallbackAttempt")
    public record Attempt(
            Instant at,
            @Schema(description = "the receiver's HTTP status; absent when no answer came", nullable = true)
            Integer statusCode,
            @Schema(description = "why the attempt failed without an answer (refused address, timeout, ...)",
                    nullable = true) String error) {
    }
}
