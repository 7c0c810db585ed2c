package io.quantizer.security;

import java.net.URI;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.quantizer.system.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping(ApiKeyController.PATH)
@Tag(name = "API keys", description = "Bearer tokens the service issues, each for one tenant and its roles (admin only)")
class ApiKeyController {

    static final String PATH = "/api/v1/api-keys";
    private static final String PROBLEM = "#/components/schemas/Problem";

    private final ApiKeyService keys;

    ApiKeyController(ApiKeyService keys) {
        this.keys = keys;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "createApiKey", summary = "Issue an API key",
            description = "The answer's key field holds the token. It is shown this once: the service keeps only "
                    + "its SHA-256. Send it as Authorization: Bearer <key>.")
    @ApiResponse(responseCode = "201", description = "Issued; Location names the key")
    @ApiResponse(responseCode = "400", description = "An invalid name, tenant, role or expiresAt; errors names each",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<CreatedApiKey> create(@RequestBody ApiKeyRequest request) {
        CreatedApiKey created = keys.create(request);
        return ResponseEntity.created(URI.create(PATH + "/" + created.apiKey().id())).body(created);
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listApiKeys", summary = "API keys, newest first, revoked ones included; never the tokens")
    PageResponse<ApiKeyDetails> list(
            @Parameter(description = "only this tenant's keys") @RequestParam(required = false) String tenant,
            @Parameter(description = "page number, from 0") @RequestParam(defaultValue = "0") @Min(0) int page,
            @Parameter(description = "page size, 1 to 100") @RequestParam(defaultValue = "20") @Min(1) @Max(100)
            int size) {
        return keys.list(tenant, page, size);
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getApiKey", summary = "One API key; never its token")
    @ApiResponse(responseCode = "200", description = "The key")
    @ApiResponse(responseCode = "404", description = "No such key",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ApiKeyDetails get(@PathVariable UUID id) {
        return keys.get(id);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key",
            description = "The key is refused from the next request on and stays listed with revokedAt.")
    @ApiResponse(responseCode = "204", description = "Revoked (or already revoked)")
    @ApiResponse(responseCode = "404", description = "No such key",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = PROBLEM)))
    ResponseEntity<Void> revoke(@PathVariable UUID id) {
        keys.revoke(id);
        return ResponseEntity.noContent().build();
    }
}
