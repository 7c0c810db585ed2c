-- Quantization jobs. JSON documents (recipe, result, error) are kept as text so the same SQL runs on
-- PostgreSQL and on H2 (MODE=PostgreSQL); the service reads and writes them with Jackson.
-- No foreign keys to models/datasets: finished jobs outlive the inputs they were made from, and the
-- service refuses to delete an input while an unfinished job uses it.
CREATE TABLE quantization_jobs (
    id                      UUID            NOT NULL PRIMARY KEY,
    status                  VARCHAR(16)     NOT NULL,
    stage                   VARCHAR(32),
    progress                DOUBLE PRECISION NOT NULL,
    attempt                 INTEGER         NOT NULL,
    model_id                UUID            NOT NULL,
    calibration_dataset_id  UUID            NOT NULL,
    evaluation_dataset_id   UUID,
    recipe                  VARCHAR(100000) NOT NULL,
    artifact_name           VARCHAR(300)    NOT NULL,
    idempotency_key         VARCHAR(200),
    request_fingerprint     VARCHAR(64),
    result                  VARCHAR(1000000),
    error                   VARCHAR(100000),
    artifact_key            VARCHAR(500),
    report_key              VARCHAR(500),
    created_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at              TIMESTAMP WITH TIME ZONE,
    finished_at             TIMESTAMP WITH TIME ZONE,
    updated_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    version                 BIGINT          NOT NULL,
    CONSTRAINT quantization_jobs_idempotency_key_uk UNIQUE (idempotency_key)
);

CREATE INDEX quantization_jobs_status_idx ON quantization_jobs (status, created_at);
CREATE INDEX quantization_jobs_model_idx ON quantization_jobs (model_id, created_at);
CREATE INDEX quantization_jobs_calibration_idx ON quantization_jobs (calibration_dataset_id);
CREATE INDEX quantization_jobs_evaluation_idx ON quantization_jobs (evaluation_dataset_id);
CREATE INDEX quantization_jobs_created_idx ON quantization_jobs (created_at);
