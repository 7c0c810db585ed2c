-- Uploaded models and data sets. Bytes live in object storage under a content-addressed key derived from
-- sha256, so rows that share bytes share one object. Signature pieces are JSON text: they are read whole and
-- never queried into, and plain VARCHAR keeps the SQL identical on PostgreSQL and H2 (MODE=PostgreSQL).

CREATE TABLE models (
    id               UUID                     NOT NULL PRIMARY KEY,
    name             VARCHAR(255)             NOT NULL,
    sha256           VARCHAR(64)              NOT NULL,
    size_bytes       BIGINT                   NOT NULL,
    ir_version       BIGINT                   NOT NULL,
    producer_name    VARCHAR                  NOT NULL,
    producer_version VARCHAR                  NOT NULL,
    parameter_count  BIGINT                   NOT NULL,
    opsets           VARCHAR                  NOT NULL,
    inputs           VARCHAR                  NOT NULL,
    outputs          VARCHAR                  NOT NULL,
    operator_counts  VARCHAR                  NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX models_created_at_idx ON models (created_at, id);
CREATE INDEX models_sha256_idx ON models (sha256);

CREATE TABLE datasets (
    id           UUID                     NOT NULL PRIMARY KEY,
    name         VARCHAR(255)             NOT NULL,
    sha256       VARCHAR(64)              NOT NULL,
    size_bytes   BIGINT                   NOT NULL,
    format       VARCHAR(8)               NOT NULL,
    sample_count BIGINT                   NOT NULL,
    tensors      VARCHAR                  NOT NULL,
    label_tensor VARCHAR,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX datasets_created_at_idx ON datasets (created_at, id);
CREATE INDEX datasets_sha256_idx ON datasets (sha256);
