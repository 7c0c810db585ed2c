package io.quantizer.callback;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The per-tenant secret callbacks are signed with, kept in {@code callback_secrets}. Every lookup goes through
 * this one component, keyed by the tenant's name. A tenant gets a random 256-bit secret the first time one is
 * needed; {@link #rotate} replaces it. The secret must be readable to sign with, so it is stored as is: the
 * database is the trust boundary, as it is for the data itself.
 */
@Component
public class CallbackSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    CallbackSecrets(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A tenant's secret and when it was made. */
    public record Secret(String tenant, String secret, Instant createdAt) {
    }

    /** The tenant's current secret, made now if it has none. */
    @Transactional
    public Secret current(String tenant) {
        jdbc.sql("INSERT INTO callback_secrets (tenant, secret, created_at) VALUES (:tenant, :secret, :at) "
                        + "ON CONFLICT DO NOTHING")
                .param("tenant", tenant).param("secret", newSecret()).param("at", now()).update();
        return find(tenant).orElseThrow();
    }

    /** Replaces the tenant's secret with a new one and returns it; callbacks sent from now on use it. */
    @Transactional
    public Secret rotate(String tenant) {
        java.time.OffsetDateTime at = now();
        String secret = newSecret();
        int updated = jdbc.sql("UPDATE callback_secrets SET secret = :secret, created_at = :at WHERE tenant = :tenant")
                .param("tenant", tenant).param("secret", secret).param("at", at).update();
        if (updated == 0) {
            current(tenant); // a first secret, or the one a concurrent call just made; replaced at once
            jdbc.sql("UPDATE callback_secrets SET secret = :secret, created_at = :at WHERE tenant = :tenant")
                    .param("tenant", tenant).param("secret", secret).param("at", at).update();
        }
        return new Secret(tenant, secret, at.toInstant());
    }

    private Optional<Secret> find(String tenant) {
        return jdbc.sql("SELECT tenant, secret, created_at FROM callback_secrets WHERE tenant = :tenant")
                .param("tenant", tenant)
                .query((rs, n) -> new Secret(rs.getString(1), rs.getString(2),
                        rs.getObject(3, java.time.OffsetDateTime.class).toInstant()))
                .optional();
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static java.time.OffsetDateTime now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS).atOffset(java.time.ZoneOffset.UTC);
    }
}
