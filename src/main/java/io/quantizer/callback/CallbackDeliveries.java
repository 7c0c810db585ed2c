package io.quantizer.callback;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quantizer.job.CallbackStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * The {@code callback_deliveries} table: one row per ended job that asked for a callback, holding the state,
 * when the next attempt is due and every attempt so far (JSON). Workers claim a due row by moving its due time
 * forward with a compare-and-set on the old one, so two instances never send the same attempt at once and a
 * claim whose sender died simply comes due again.
 */
@Component
class CallbackDeliveries {

    static final String PENDING = "PENDING";
    static final String DELIVERED = "DELIVERED";
    static final String FAILED = "FAILED";

    private final JdbcClient jdbc;
    private final ObjectMapper mapper;

    CallbackDeliveries(JdbcClient jdbc, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    record Delivery(UUID jobId, String tenant, String url, String state, int attemptCount,
                    List<CallbackStatus.Attempt> attempts, Instant nextAttemptAt) {
    }

    /** Adds a PENDING delivery due now; a job ends once, so a second call for it changes nothing. */
    void add(UUID jobId, String tenant, String url, Instant now) {
        jdbc.sql("INSERT INTO callback_deliveries (job_id, tenant, url, state, attempt_count, attempts, "
                        + "next_attempt_at, created_at) VALUES (:job, :tenant, :url, 'PENDING', 0, '[]', :now, :now) "
                        + "ON CONFLICT DO NOTHING")
                .param("job", jobId).param("tenant", tenant).param("url", url).param("now", time(now)).update();
    }

    Optional<Delivery> find(UUID jobId) {
        return jdbc.sql("SELECT * FROM callback_deliveries WHERE job_id = :job").param("job", jobId)
                .query(this::row).optional();
    }

    List<Delivery> due(Instant now, int limit) {
        return jdbc.sql("SELECT * FROM callback_deliveries WHERE state = 'PENDING' AND next_attempt_at <= :now "
                        + "ORDER BY next_attempt_at LIMIT :limit")
                .param("now", time(now)).param("limit", limit).query(this::row).list();
    }

    /** Takes the delivery for one attempt until {@code leaseUntil}; false when another instance took it first. */
    boolean claim(Delivery delivery, Instant leaseUntil) {
        return jdbc.sql("UPDATE callback_deliveries SET next_attempt_at = :lease WHERE job_id = :job "
                        + "AND state = 'PENDING' AND next_attempt_at = :seen")
                .param("lease", time(leaseUntil)).param("job", delivery.jobId())
                .param("seen", time(delivery.nextAttemptAt())).update() == 1;
    }

    /** Records an attempt and the state it leaves the delivery in. */
    void record(Delivery delivery, CallbackStatus.Attempt attempt, String state, Instant next) {
        List<CallbackStatus.Attempt> attempts = new ArrayList<>(delivery.attempts());
        attempts.add(attempt);
        jdbc.sql("UPDATE callback_deliveries SET state = :state, attempt_count = :count, attempts = :attempts, "
                        + "next_attempt_at = :next WHERE job_id = :job")
                .param("state", state).param("count", attempts.size())
                .param("attempts", mapper.writeValueAsString(attempts)).param("next", time(next))
                .param("job", delivery.jobId()).update();
    }

    void delete(UUID jobId) {
        jdbc.sql("DELETE FROM callback_deliveries WHERE job_id = :job").param("job", jobId).update();
    }

    private Delivery row(ResultSet rs, int n) throws SQLException {
        return new Delivery(rs.getObject("job_id", UUID.class), rs.getString("tenant"), rs.getString("url"),
                rs.getString("state"), rs.getInt("attempt_count"),
                mapper.readValue(rs.getString("attempts"), new TypeReference<List<CallbackStatus.Attempt>>() { }),
                rs.getObject("next_attempt_at", OffsetDateTime.class).toInstant());
    }

    /** Microseconds, as both databases store them, so a value read back compares equal to what was written. */
    private static OffsetDateTime time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
}
