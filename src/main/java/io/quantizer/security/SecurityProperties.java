package io.quantizer.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code quantizer.security.*}: bearer tokens on {@code /api/**}.
 *
 * @param enabled       false turns authentication off (every request acts as an admin of the default tenant);
 *                      only for measuring its cost or a single-user machine, never a shared one
 * @param adminKey      the bootstrap admin key; empty: generated at first start into {@code data-dir/admin-key}
 * @param oidc          JWTs from an OpenID Connect issuer
 * @param keys          service-issued API keys
 * @param rateLimit     requests per token
 */
@ConfigurationProperties("quantizer.security")
public record SecurityProperties(
        @DefaultValue("true") boolean enabled,
        String adminKey,
        @DefaultValue Oidc oidc,
        @DefaultValue Keys keys,
        @DefaultValue RateLimit rateLimit) {

    /**
     * @param issuerUri   the issuer (its discovery document gives the JWKS); empty: JWTs are not accepted
     * @param audience    when set, a token's {@code aud} must contain it
     * @param tenantClaim the claim naming the caller's tenant
     * @param rolesClaim  the claim listing the caller's roles (an array, or a space- or comma-separated string)
     */
    public record Oidc(String issuerUri, String audience, @DefaultValue("tenant") String tenantClaim,
                       @DefaultValue("roles") String rolesClaim) {

        public boolean enabled() {
            return issuerUri != null && !issuerUri.isBlank();
        }
    }

    /** @param maxLifetime the longest {@code expiresAt} an API key may be given, and the default one */
    public record Keys(@DefaultValue("365d") Duration maxLifetime) {
    }

    /**
     * A token bucket per token: {@code capacity} requests at once, refilled at {@code refillPerSecond}.
     *
     * @param enabled false: no rate limit
     */
    public record RateLimit(@DefaultValue("true") boolean enabled, @DefaultValue("100") long capacity,
                            @DefaultValue("50") long refillPerSecond) {
    }
}
