-- Tenants: every model, data set and job belongs to one. Rows stored before tenants existed go to 'default',
-- the bootstrap admin key's tenant. The Idempotency-Key becomes unique per tenant, so two tenants that send the
-- same key never see each other's job.
ALTER TABLE models ADD COLUMN tenant VARCHAR(63) DEFAULT 'default' NOT NULL;
ALTER TABLE datasets ADD COLUMN tenant VARCHAR(63) DEFAULT 'default' NOT NULL;
ALTER TABLE quantization_jobs ADD COLUMN tenant VARCHAR(63) DEFAULT 'default' NOT NULL;

CREATE INDEX models_tenant_created_at_idx ON models (tenant, created_at, id);
CREATE INDEX datasets_tenant_created_at_idx ON datasets (tenant, created_at, id);
CREATE INDEX quantization_jobs_tenant_created_idx ON quantization_jobs (tenant, created_at);
CREATE INDEX quantization_jobs_tenant_status_idx ON quantization_jobs (tenant, status);

ALTER TABLE quantization_jobs DROP CONSTRAINT quantization_jobs_idempotency_key_uk;
ALTER TABLE quantization_jobs ADD CONSTRAINT quantization_jobs_tenant_idempotency_key_uk
    UNIQUE (tenant, idempotency_key);

-- Service-issued API keys: the token's SHA-256 only, never the token.
CREATE TABLE api_keys (
    id          UUID                     NOT NULL PRIMARY KEY,
    name        VARCHAR(100),
    tenant      VARCHAR(63)              NOT NULL,
    roles       VARCHAR(64)              NOT NULL,
    key_hash    VARCHAR(64)              NOT NULL,
    key_prefix  VARCHAR(16)              NOT NULL,
    created_by  VARCHAR(300)             NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_key_hash_uk UNIQUE (key_hash)
);

CREATE INDEX api_keys_tenant_created_at_idx ON api_keys (tenant, created_at);

-- Who changed what: uploads, deletes, submits, cancels, key issues and revocations. Rows are only ever added.
CREATE TABLE audit_events (
    id            UUID                     NOT NULL PRIMARY KEY,
    occurred_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    actor         VARCHAR(300)             NOT NULL,
    actor_tenant  VARCHAR(63)              NOT NULL,
    tenant        VARCHAR(63)              NOT NULL,
    action        VARCHAR(32)              NOT NULL,
    resource_type VARCHAR(16)              NOT NULL,
    resource_id   VARCHAR(64)              NOT NULL
);

CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);
CREATE INDEX audit_events_tenant_occurred_at_idx ON audit_events (tenant, occurred_at);
CREATE INDEX audit_events_action_occurred_at_idx ON audit_events (action, occurred_at);
