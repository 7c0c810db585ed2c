package io.quantizer.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** An API key as listed: everything but the token. */
@Schema(name = "ApiKey")
public record ApiKeyDetails(
        UUID id,
        @Schema(description = "what the key is for; null when none was given") String name,
        @Schema(description = "the tenant the key acts in", pattern = Tenants.PATTERN) String tenant,
        @Schema(description = "reader, submitter and/or admin") List<String> roles,
        @Schema(description = "the token's first characters, to tell keys apart; not enough to use it")
        String keyPrefix,
        @Schema(description = "the principal that created the key") String createdBy,
        Instant createdAt,
        @Schema(description = "after this instant the key is refused") Instant expiresAt,
        @Schema(description = "when the key was revoked; null while it is active") Instant revokedAt) {
}
