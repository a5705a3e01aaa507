--liquibase formatted sql

--changeset taskharbor:0004-th-jobs-leased-by
--comment: distributed mode: the node that made a job's latest reservation (leased_by, the reserving node's id, null when it did not say) and when that reservation began (started_at). Both nullable without a default, so adding them rewrites nothing and takes a moment whatever the table's size.
ALTER TABLE ${schema}.th_jobs
  ADD COLUMN leased_by  TEXT,
  ADD COLUMN started_at TIMESTAMPTZ;
--rollback ALTER TABLE ${schema}.th_jobs DROP COLUMN started_at, DROP COLUMN leased_by;

--changeset taskharbor:0004-th-jobs-leased-by-index
--comment: the INFLIGHT jobs of one node, in id order, without a scan: orphan recovery joins the dead nodes with it, and operators list a node's running jobs with it. Partial, so finished and ready jobs, and jobs reserved without a holder, cost it nothing. IF NOT EXISTS, so that on a large table a DBA may build it first with CREATE INDEX CONCURRENTLY (same name and definition) and this changeset then finds it.
CREATE INDEX IF NOT EXISTS th_jobs_leased_by_idx ON ${schema}.th_jobs (leased_by, id)
  WHERE status = 'inflight' AND leased_by IS NOT NULL;
--rollback DROP INDEX ${schema}.th_jobs_leased_by_idx;

--changeset taskharbor:0004-th-nodes
--comment: the registry of distributed mode: one row per running node (a process with workers), with what it registered and its last heartbeat. A node is alive at now iff last_heartbeat + the worker timeout > now; the leader deletes the dead ones.
CREATE TABLE ${schema}.th_nodes (
  id             TEXT        NOT NULL,
  host           TEXT        NOT NULL,
  pid            BIGINT      NOT NULL,
  version        TEXT        NOT NULL,
  queues         TEXT[]      NOT NULL,
  pool_size      INTEGER     NOT NULL,
  started_at     TIMESTAMPTZ NOT NULL,
  last_heartbeat TIMESTAMPTZ NOT NULL,
  CONSTRAINT th_nodes_pkey PRIMARY KEY (id)
);
--rollback DROP TABLE ${schema}.th_nodes;

--changeset taskharbor:0004-th-leaders
--comment: leader leases with their fencing term, one row per name (the cluster's). Never deleted: after a resignation holder and expires_at are null and the term stays, so the next holder gets term + 1.
CREATE TABLE ${schema}.th_leaders (
  name       TEXT        NOT NULL,
  holder     TEXT,
  term       BIGINT      NOT NULL,
  expires_at TIMESTAMPTZ,
  CONSTRAINT th_leaders_pkey PRIMARY KEY (name),
  CONSTRAINT th_leaders_state_check CHECK (term >= 1 AND (holder IS NULL) = (expires_at IS NULL))
);
--rollback DROP TABLE ${schema}.th_leaders;
