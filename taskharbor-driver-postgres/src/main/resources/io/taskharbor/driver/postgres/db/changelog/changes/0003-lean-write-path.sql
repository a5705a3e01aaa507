--liquibase formatted sql

--changeset taskharbor:0003-one-state-check
--comment: one compact CHECK holds every state invariant of 0001's eleven; PostgreSQL re-reads and re-plans each CHECK expression on every INSERT and UPDATE statement, so their size was a fixed cost of each enqueue, reserve and completion. Field formats (queue names, lengths) are the driver's to validate, before any statement.
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
    status IN ('ready', 'inflight', 'done', 'dlq', 'canceled')
    AND attempts >= 0 AND max_attempts >= 1
    AND (status = 'inflight') = (lease_token IS NOT NULL)
    AND (lease_token IS NULL) = (lease_expires_at IS NULL)
    AND available_at IS NOT DISTINCT FROM
        CASE status WHEN 'ready' THEN COALESCE(run_at, created_at) WHEN 'inflight' THEN lease_expires_at END
    AND (status = 'dlq') = (dlq_failed_at IS NOT NULL)
    AND (dlq_reason IS NULL) = (dlq_failed_at IS NULL)
    AND (finished_at IS NULL) = (status IN ('ready', 'inflight')));
--rollback ALTER TABLE ${schema}.th_jobs DROP CONSTRAINT th_jobs_state_check;

--changeset taskharbor:0003-finished-status-index
--comment: the (queue, status, id) index now holds finished jobs only. Live jobs are found through th_jobs_reserve_idx, so enqueue and reserve no longer pay an index insertion here; listing and counting finished jobs by queue and status still read an index.
DROP INDEX ${schema}.th_jobs_queue_status_idx;
CREATE INDEX th_jobs_finished_queue_idx ON ${schema}.th_jobs (queue, status, id)
  WHERE status IN ('done', 'dlq', 'canceled');
--rollback DROP INDEX ${schema}.th_jobs_finished_queue_idx;
--rollback CREATE INDEX th_jobs_queue_status_idx ON ${schema}.th_jobs (queue, status, id);
