--liquibase formatted sql

--changeset taskharbor:0005-th-jobs-controls
--comment: queue and job controls: cancel_requested_at (an administrator asked to cancel the job while it ran; the holder learns it at its next heartbeat) and the details log (details_at and details_text, the lines the handlers wrote, oldest first, bounded by the driver). All nullable without a default: no rewrite, instant on any size. The status 'paused' (a job held back, never reserved) needs no DDL: it is outside th_jobs_reserve_idx's predicate, so reserve never sees it.
ALTER TABLE ${schema}.th_jobs
  ADD COLUMN cancel_requested_at TIMESTAMPTZ,
  ADD COLUMN details_at          TIMESTAMPTZ[],
  ADD COLUMN details_text        TEXT[];
--rollback ALTER TABLE ${schema}.th_jobs DROP COLUMN details_text, DROP COLUMN details_at, DROP COLUMN cancel_requested_at;

--changeset taskharbor:0005-th-jobs-inflight-index
--comment: a queue's INFLIGHT jobs by lease expiry: a reserve on a queue with a concurrency limit counts its valid leases (lease_expires_at > now) through it, reading about as many entries as the limit, whatever the backlog. IF NOT EXISTS, so that a DBA may build it first with CREATE INDEX CONCURRENTLY.
CREATE INDEX IF NOT EXISTS th_jobs_inflight_idx ON ${schema}.th_jobs (queue, lease_expires_at)
  WHERE status = 'inflight';
--rollback DROP INDEX ${schema}.th_jobs_inflight_idx;

--changeset taskharbor:0005-th-jobs-paused-and-cancel-indexes
--comment: PAUSED jobs by queue (stats and lists count them without a scan), and the INFLIGHT jobs whose cancel was requested, by lease expiry (reserve cancels those whose lease ended): both hold only the few rows in those states, so other jobs cost them nothing.
CREATE INDEX IF NOT EXISTS th_jobs_paused_idx ON ${schema}.th_jobs (queue, id)
  WHERE status = 'paused';
CREATE INDEX IF NOT EXISTS th_jobs_cancel_requested_idx ON ${schema}.th_jobs (queue, lease_expires_at)
  WHERE status = 'inflight' AND cancel_requested_at IS NOT NULL;
--rollback DROP INDEX ${schema}.th_jobs_cancel_requested_idx;
--rollback DROP INDEX ${schema}.th_jobs_paused_idx;

--changeset taskharbor:0005-th-queue-settings
--comment: stored queue settings, the same for every node: paused, and the most valid leases the queue may hold at once (null: no limit). A queue with the defaults has no row, so its reserve finds none by primary key. A limited reserve locks its queue's row FOR UPDATE, so limited reserves of one queue take turns.
CREATE TABLE ${schema}.th_queue_settings (
  queue             TEXT        NOT NULL,
  paused            BOOLEAN     NOT NULL DEFAULT false,
  concurrency_limit INTEGER,
  updated_at        TIMESTAMPTZ NOT NULL,
  CONSTRAINT th_queue_settings_pkey PRIMARY KEY (queue),
  CONSTRAINT th_queue_settings_limit_check CHECK (concurrency_limit IS NULL OR concurrency_limit >= 1)
);
--rollback DROP TABLE ${schema}.th_queue_settings;

--changeset taskharbor:0005-th-task-definitions
--comment: task definitions by unique alias (the job type of the jobs enqueued by it), with soft deletion: a deleted definition keeps its row and its alias.
CREATE TABLE ${schema}.th_task_definitions (
  alias       TEXT        NOT NULL,
  title       TEXT        NOT NULL,
  description TEXT        NOT NULL,
  status      TEXT        NOT NULL,
  memo        TEXT        NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL,
  deleted_at  TIMESTAMPTZ,
  CONSTRAINT th_task_definitions_pkey PRIMARY KEY (alias),
  CONSTRAINT th_task_definitions_status_check CHECK (status IN ('active', 'canceled'))
);
--rollback DROP TABLE ${schema}.th_task_definitions;
