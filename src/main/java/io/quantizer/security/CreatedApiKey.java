package io.quantizer.security;

import io.swagger.v3.oas.annotations.media.Schema;

/** The answer to creating a key: the only time its token is shown. */
@Schema(name = "CreatedApiKey")
public record CreatedApiKey(
        @Schema(description = "the bearer token; shown this once and stored only as a hash, so keep it now")
        String key,
        @Schema(description = "the stored key") ApiKeyDetails apiKey) {
}
