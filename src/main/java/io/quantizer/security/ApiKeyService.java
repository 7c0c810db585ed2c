package io.quantizer.security;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.quantizer.audit.AuditAction;
import io.quantizer.audit.AuditLog;
import io.quantizer.system.ApiException;
import io.quantizer.system.PageResponse;

/** Issuing, listing, revoking and checking service-issued API keys. */
@Service
public class ApiKeyService {

    static final int MAX_NAME_LENGTH = 100;
    static final String RESOURCE = "API key";

    private final ApiKeyRepository keys;
    private final AuditLog audit;
    private final Duration maxLifetime;

    ApiKeyService(ApiKeyRepository keys, AuditLog audit, SecurityProperties properties) {
        this.keys = keys;
        this.audit = audit;
        this.maxLifetime = properties.keys().maxLifetime();
    }

    /** Checks the request (400 naming every bad field), stores the key's hash and returns the token once. */
    public CreatedApiKey create(ApiKeyRequest request) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<Map<String, String>> errors = new ArrayList<>();
        String name = request.name() == null || request.name().isBlank() ? null : request.name().strip();
        if (name != null && (name.length() > MAX_NAME_LENGTH || !name.chars().allMatch(c -> c >= 0x20 && c != 0x7f))) {
            errors.add(error("name", "must be at most " + MAX_NAME_LENGTH + " printable characters"));
        }
        if (!Tenants.isValid(request.tenant())) {
            errors.add(error("tenant", "must be 1 to " + Tenants.MAX_LENGTH + " lower-case letters, digits and "
                    + "inner hyphens, got " + quoted(request.tenant())));
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (request.roles() == null || request.roles().isEmpty()) {
            errors.add(error("roles", "at least one of reader, submitter, admin is required"));
        } else if (request.roles().size() > Role.values().length) {
            errors.add(error("roles", "at most " + Role.values().length + " roles"));
        } else {
            for (String role : request.roles()) {
                Role.fromWireName(role).ifPresentOrElse(roles::add, () -> errors.add(error("roles",
                        "unknown role " + quoted(role) + "; use reader, submitter or admin")));
            }
        }
        Instant latest = now.plus(maxLifetime);
        Instant expiresAt = request.expiresAt() == null ? latest : request.expiresAt();
        if (!expiresAt.isAfter(now)) {
            errors.add(error("expiresAt", "must be in the future, got " + expiresAt));
        } else if (expiresAt.isAfter(latest)) {
            errors.add(error("expiresAt", "must be at most " + maxLifetime.toDays()
                    + " days ahead (quantizer.security.keys.max-lifetime), got " + expiresAt));
        }
        if (!errors.isEmpty()) {
            throw new ApiException.BadRequest("invalid-api-key-request", "Invalid API key request",
                    "The API key request has " + errors.size() + " invalid field" + (errors.size() == 1 ? "" : "s")
                            + ": " + String.join("; ", errors.stream()
                            .map(e -> e.get("field") + ": " + e.get("message")).toList()) + ".")
                    .withErrors(errors);
        }
        String token = ApiKeyTokens.generate();
        ApiKeyEntity key = keys.save(new ApiKeyEntity(UUID.randomUUID(), name, request.tenant(), roles,
                ApiKeyTokens.hash(token), token.substring(0, ApiKeyTokens.SHOWN_PREFIX_LENGTH),
                Caller.current().principal(), now, expiresAt.truncatedTo(ChronoUnit.MICROS)));
        audit.record(AuditAction.API_KEY_CREATED, "api-key", key.id(), key.tenant());
        return new CreatedApiKey(token, key.toDetails());
    }

    public PageResponse<ApiKeyDetails> list(String tenant, int page, int size) {
        return PageResponse.of(keys.search(tenant, PageRequest.of(page, size)), ApiKeyEntity::toDetails);
    }

    public ApiKeyDetails get(UUID id) {
        return keys.findById(id).map(ApiKeyEntity::toDetails).orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
    }

    /** Revokes the key: refused from the next request on. Revoking a revoked key changes nothing. */
    @Transactional
    public ApiKeyDetails revoke(UUID id) {
        ApiKeyEntity key = keys.findById(id).orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
        if (!key.isRevoked()) {
            key.revoke(Instant.now().truncatedTo(ChronoUnit.MICROS));
            audit.record(AuditAction.API_KEY_REVOKED, "api-key", id, key.tenant());
        }
        return key.toDetails();
    }

    /** The caller a token stands for; empty when it is unknown, revoked or expired. */
    Optional<Caller> authenticate(String token) {
        return keys.findByKeyHash(ApiKeyTokens.hash(token))
                .filter(key -> key.isUsableAt(Instant.now()))
                .map(key -> new Caller("api-key:" + key.id(), key.tenant(), key.roles()));
    }

    private static Map<String, String> error(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    private static String quoted(String value) {
        if (value == null) {
            return "nothing";
        }
        return "'" + (value.length() > 80 ? value.substring(0, 80) + "…" : value) + "'";
    }
}
