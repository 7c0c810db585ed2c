package io.quantizer.catalog;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A per-blob lock held until the caller's transaction ends: a row of {@code blob_locks} locked with
 * {@code SELECT ... FOR UPDATE}. An upload that starts referring to a blob, a delete that drops the last
 * reference and the orphan sweep all take it, so for one SHA-256 they run one after the other.
 * <p>
 * Why a row lock and not PostgreSQL's {@code pg_advisory_xact_lock}: the embedded default runs on H2, which has
 * no advisory locks, and a row lock behaves the same on both (blocks until the holder commits, released on
 * rollback or a dropped connection). Why a lock and not mark-and-sweep with a grace period: the bytes an upload
 * publishes are referred to by a row in the same transaction that holds the lock, so there is no window to
 * guess a grace period for, and a deleted blob is gone at once rather than after it. Rows are never removed:
 * one short row per distinct blob ever stored is cheap, and removing them would need a lock of its own.
 */
@Component
class BlobLocks {

    private final JdbcClient jdbc;

    BlobLocks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the blob's row, creating it first if needed; must run inside a transaction. */
    void lock(String sha256) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a blob lock lives as long as a transaction; none is active");
        }
        // a concurrent insert of the same row waits for the other transaction, then does nothing
        jdbc.sql("INSERT INTO blob_locks (sha256) VALUES (:sha) ON CONFLICT DO NOTHING").param("sha", sha256).update();
        jdbc.sql("SELECT sha256 FROM blob_locks WHERE sha256 = :sha FOR UPDATE").param("sha", sha256)
                .query(String.class).single();
    }
}
