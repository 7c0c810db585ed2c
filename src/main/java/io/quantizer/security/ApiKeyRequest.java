package io.quantizer.security;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** A request for a new API key. */
@Schema(name = "ApiKeyRequest")
public record ApiKeyRequest(
        @Schema(description = "what the key is for, up to " + ApiKeyService.MAX_NAME_LENGTH + " printable characters",
                example = "team-a CI pipeline") String name,
        @Schema(description = "the tenant the key acts in: lower-case letters, digits and inner hyphens, up to "
                + Tenants.MAX_LENGTH + " characters", pattern = Tenants.PATTERN, example = "team-a",
                requiredMode = Schema.RequiredMode.REQUIRED) String tenant,
        @Schema(description = "one or more of reader, submitter, admin", example = "[\"submitter\"]",
                requiredMode = Schema.RequiredMode.REQUIRED) List<String> roles,
        @Schema(description = "when the key stops working; in the future and at most "
                + "quantizer.security.keys.max-lifetime (365 days by default) ahead, which is also the default")
        Instant expiresAt) {
}
