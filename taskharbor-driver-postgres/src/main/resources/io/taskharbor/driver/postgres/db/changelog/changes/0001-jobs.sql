--liquibase formatted sql

--changeset taskharbor:0001-create-th-jobs
--comment: the jobs table; available_at is when the job is next claimable (run_at or created_at while READY, the lease expiry while INFLIGHT, null otherwise)
CREATE TABLE ${schema}.th_jobs (
  id               UUID        NOT NULL,
  queue            TEXT        NOT NULL,
  type             TEXT        NOT NULL,
  payload          JSONB       NOT NULL,
  priority         INTEGER     NOT NULL DEFAULT 0,
  run_at           TIMESTAMPTZ,
  idempotency_key  TEXT,
  attempts         INTEGER     NOT NULL DEFAULT 0,
  max_attempts     INTEGER     NOT NULL,
  timeout_micros   BIGINT,
  status           TEXT        NOT NULL,
  lease_token      UUID,
  lease_expires_at TIMESTAMPTZ,
  available_at     TIMESTAMPTZ,
  last_error       TEXT,
  result           JSONB,
  dlq_reason       TEXT,
  dlq_failed_at    TIMESTAMPTZ,
  created_at       TIMESTAMPTZ NOT NULL,
  updated_at       TIMESTAMPTZ NOT NULL,
  finished_at      TIMESTAMPTZ,
  CONSTRAINT th_jobs_pkey PRIMARY KEY (id),
  CONSTRAINT th_jobs_status_check
    CHECK (status IN ('ready', 'inflight', 'done', 'dlq', 'canceled')),
  CONSTRAINT th_jobs_queue_check
    CHECK (queue ~ '^[A-Za-z0-9_.:-]{1,128}$'),
  CONSTRAINT th_jobs_type_check
    CHECK (char_length(type) BETWEEN 1 AND 255),
  CONSTRAINT th_jobs_idempotency_key_check
    CHECK (idempotency_key IS NULL OR char_length(idempotency_key) BETWEEN 1 AND 255),
  CONSTRAINT th_jobs_attempts_check
    CHECK (attempts >= 0),
  CONSTRAINT th_jobs_max_attempts_check
    CHECK (max_attempts >= 1),
  CONSTRAINT th_jobs_timeout_check
    CHECK (timeout_micros IS NULL OR timeout_micros > 0),
  CONSTRAINT th_jobs_lease_check
    CHECK ((status = 'inflight' AND lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)
        OR (status <> 'inflight' AND lease_token IS NULL AND lease_expires_at IS NULL)),
  CONSTRAINT th_jobs_available_check
    CHECK ((status = 'ready' AND available_at = COALESCE(run_at, created_at))
        OR (status = 'inflight' AND available_at = lease_expires_at)
        OR (status NOT IN ('ready', 'inflight') AND available_at IS NULL)),
  CONSTRAINT th_jobs_dlq_check
    CHECK ((status = 'dlq' AND dlq_reason IS NOT NULL AND dlq_failed_at IS NOT NULL)
        OR (status <> 'dlq' AND dlq_reason IS NULL AND dlq_failed_at IS NULL)),
  CONSTRAINT th_jobs_finished_check
    CHECK ((status IN ('done', 'dlq', 'canceled')) = (finished_at IS NOT NULL))
) WITH (
  fillfactor = 80,
  autovacuum_vacuum_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.05,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_cost_delay = 1
);
--rollback DROP TABLE ${schema}.th_jobs;

--changeset taskharbor:0002-th-jobs-indexes
--comment: reserve reads th_jobs_reserve_idx in order (no sort); the DLQ sweep reads th_jobs_last_attempt_idx
CREATE INDEX th_jobs_reserve_idx ON ${schema}.th_jobs (queue, priority DESC, available_at, id)
  WHERE status IN ('ready', 'inflight');
CREATE INDEX th_jobs_last_attempt_idx ON ${schema}.th_jobs (queue, available_at)
  WHERE status = 'inflight' AND attempts >= max_attempts;
CREATE UNIQUE INDEX th_jobs_idempotency_key_idx ON ${schema}.th_jobs (queue, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX th_jobs_queue_status_idx ON ${schema}.th_jobs (queue, status, id);
CREATE INDEX th_jobs_finished_idx ON ${schema}.th_jobs (finished_at)
  WHERE finished_at IS NOT NULL;
--rollback DROP INDEX ${schema}.th_jobs_finished_idx;
--rollback DROP INDEX ${schema}.th_jobs_queue_status_idx;
--rollback DROP INDEX ${schema}.th_jobs_idempotency_key_idx;
--rollback DROP INDEX ${schema}.th_jobs_last_attempt_idx;
--rollback DROP INDEX ${schema}.th_jobs_reserve_idx;
