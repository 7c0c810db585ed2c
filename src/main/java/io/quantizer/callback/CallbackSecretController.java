package io.quantizer.callback;

import java.time.Instant;

import io.quantizer.job.JobCallbacks;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Issues the secret job callbacks are signed with. */
@RestController
@Tag(name = "Callbacks", description = "The secret that signs job callbacks")
class CallbackSecretController {

    private final CallbackSecrets secrets;

    CallbackSecretController(CallbackSecrets secrets) {
        this.secrets = secrets;
    }

    @Schema(name = "CallbackSecret")
    record SecretView(
            @Schema(description = "the tenant whose callbacks this secret signs") String tenant,
            @Schema(description = "the HMAC-SHA256 key (its UTF-8 bytes); shown only in this answer")
            String secret,
            Instant createdAt,
            @Schema(description = "the headers a callback carries and how to check them") String verification) {
    }

    @PostMapping(value = "/api/v1/callback-secret", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "rotateCallbackSecret", summary = "Make a new callback secret and show it once",
            description = "Replaces the tenant's callback secret with a new random one and returns it; callbacks "
                    + "sent from now on, retries included, are signed with it. Each callback carries "
                    + CallbackSignature.TIMESTAMP + " (Unix seconds) and " + CallbackSignature.SIGNATURE
                    + " (sha256= and the hex HMAC-SHA256 of the timestamp, a '.', and the raw body).")
    @ApiResponse(responseCode = "200", description = "The new secret")
    SecretView rotate() {
        CallbackSecrets.Secret secret = secrets.rotate(io.quantizer.security.Caller.current().tenant());
        return new SecretView(secret.tenant(), secret.secret(), secret.createdAt(),
                CallbackSignature.SIGNATURE + " = \"sha256=\" + hex(HMAC-SHA256(secret, "
                        + CallbackSignature.TIMESTAMP + " + \".\" + body))");
    }
}
