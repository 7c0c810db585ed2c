package io.quantizer.catalog;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Counts the rows that refer to a blob. Models and data sets share blobs: the same bytes are stored once. A model's
 * external-data files are blobs too, listed in its {@code external_data} JSON (a SHA-256 is 64 hex digits, so
 * matching it as text finds exactly the rows that list it).
 */
@Component
class BlobReferences {

    private final JdbcClient jdbc;

    BlobReferences(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long count(String sha256) {
        return jdbc.sql("SELECT (SELECT COUNT(*) FROM models WHERE sha256 = :sha) "
                        + "+ (SELECT COUNT(*) FROM models WHERE external_data LIKE :quoted) "
                        + "+ (SELECT COUNT(*) FROM datasets WHERE sha256 = :sha)")
                .param("sha", sha256)
                .param("quoted", "%\"" + sha256 + "\"%")
                .query(Long.class)
                .single();
    }
}
