-- Storage lifecycle, submit without reading data sets, and job callbacks. Plain SQL that runs the same on
-- PostgreSQL and on H2 (MODE=PostgreSQL).

-- The smallest and largest label of a data set's label array, computed once at upload so a submit never reads
-- the data set's bytes. NULL on a data set with labels means "not known yet" (rows stored before this
-- migration): the first submit that needs it computes it once and stores it.
ALTER TABLE datasets ADD COLUMN label_min BIGINT;
ALTER TABLE datasets ADD COLUMN label_max BIGINT;

-- One row per content-addressed blob that was ever published. Uploads that reference a blob and deletes and
-- sweeps that remove it lock this row (SELECT ... FOR UPDATE), so they serialise per blob on both databases.
CREATE TABLE blob_locks (
    sha256 VARCHAR(64) NOT NULL PRIMARY KEY
);

-- Where a job reports its end.
ALTER TABLE quantization_jobs ADD COLUMN callback_url VARCHAR(2048);

-- The HMAC secret each tenant's callbacks are signed with (it must be readable to sign, so it is not hashed).
CREATE TABLE callback_secrets (
    tenant     VARCHAR(100)             NOT NULL PRIMARY KEY,
    secret     VARCHAR(100)             NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A job's pending or finished callback: at least once, driven from this row so it survives restarts.
-- attempts is a JSON list of {at, statusCode, error}.
CREATE TABLE callback_deliveries (
    job_id          UUID                     NOT NULL PRIMARY KEY,
    tenant          VARCHAR(100)             NOT NULL,
    url             VARCHAR(2048)            NOT NULL,
    state           VARCHAR(16)              NOT NULL,
    attempt_count   INTEGER                  NOT NULL,
    attempts        VARCHAR(200000)          NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX callback_deliveries_due_idx ON callback_deliveries (state, next_attempt_at);
CREATE INDEX quantization_jobs_finished_idx ON quantization_jobs (status, finished_at);
