package io.quantizer.security;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A service-issued API key: only the SHA-256 of the token is kept, never the token. */
@Entity
@Table(name = "api_keys")
class ApiKeyEntity {

    @Id
    private UUID id;
    private String name;
    private String tenant;
    /** Wire names, comma-separated. */
    private String roles;
    @Column(name = "key_hash")
    private String keyHash;
    /** The token's first characters, so an operator can tell keys apart without the secret. */
    @Column(name = "key_prefix")
    private String keyPrefix;
    @Column(name = "created_by")
    private String createdBy;
    @Column(name = "created_at")
    private Instant createdAt;
    @Column(name = "expires_at")
    private Instant expiresAt;
    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected ApiKeyEntity() {
        // for JPA
    }

    ApiKeyEntity(UUID id, String name, String tenant, Set<Role> roles, String keyHash, String keyPrefix,
                 String createdBy, Instant createdAt, Instant expiresAt) {
        this.id = id;
        this.name = name;
        this.tenant = tenant;
        this.roles = roles.stream().sorted().map(Role::wireName).collect(Collectors.joining(","));
        this.keyHash = keyHash;
        this.keyPrefix = keyPrefix;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    UUID id() {
        return id;
    }

    String tenant() {
        return tenant;
    }

    Set<Role> roles() {
        Set<Role> parsed = EnumSet.noneOf(Role.class);
        Arrays.stream(roles.split(",")).map(Role::fromWireName).forEach(r -> r.ifPresent(parsed::add));
        return parsed;
    }

    boolean isUsableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    boolean isRevoked() {
        return revokedAt != null;
    }

    void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
    }

    ApiKeyDetails toDetails() {
        return new ApiKeyDetails(id, name, tenant, roles().stream().sorted().map(Role::wireName).toList(), keyPrefix,
                createdBy, createdAt, expiresAt, revokedAt);
    }
}
