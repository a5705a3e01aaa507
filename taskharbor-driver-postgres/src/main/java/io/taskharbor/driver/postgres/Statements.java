package io.taskharbor.driver.postgres;

/**
 * Every SQL statement of the driver, for one schema, parsed once. Each driver call is one statement (one round trip);
 * the comments on the fields say how each keeps the contract without a second statement.
 *
 * <p>Time is always a parameter ({@code :now}): no statement calls {@code now()} or {@code clock_timestamp()}, so the
 * engine's clock alone decides what is due and which lease is valid. Statements that lock rows without {@code SKIP
 * LOCKED} lock them in id order, so two of them can never deadlock each other.
 */
final class Statements {

  /**
   * Makes the statement's own transaction commit without waiting for the WAL flush ({@code synchronous_commit = off}
   * for this transaction only). Used by reserve, extendLease and complete, never by enqueue or admin operations.
   * Safe for at-least-once delivery: a server crash can lose only the last few hundred milliseconds of these commits,
   * and each loss rolls a job back to a state from which it runs again (a lost reservation or heartbeat lets the
   * lease lapse; a lost outcome leaves the job INFLIGHT until its lease expires). Nothing is ever corrupted, and an
   * enqueued job is never lost. It halves the commits that wait for the disk on the worker's hot path.
   */
  static final String LEASE_COMMIT_MODE = "SELECT set_config('synchronous_commit', 'off', true) AS mode";

  /** The reason reserve writes when it moves an expired last attempt to the DLQ. */
  static final String LAST_ATTEMPT_EXPIRED = "lease expired on the last attempt";

  /** The columns of a job record, as {@link JobRows} reads them. */
  private static final String COLUMNS = "id, queue, type, payload::text AS payload, priority, run_at, idempotency_key, "
      + "attempts, max_attempts, timeout_micros, status, lease_token, lease_expires_at, last_error, result::text AS "
      + "result, dlq_reason, dlq_failed_at, created_at, updated_at, finished_at";

  final String schema;
  final String table;

  /**
   * Enqueue of a batch, in one statement. Jobs whose (queue, key) another job of the batch had first never reach it
   * (the caller resolves them to that job). {@code held}: keys taken by stored jobs; {@code fresh}: the jobs to store;
   * {@code duplicate}: the first of those whose id is stored or repeats; then the insert, only when there is no
   * duplicate, in batch order, skipping a key that a concurrent transaction took meanwhile ({@code ON CONFLICT}); and
   * a wake-up per queue that got a due job. Returns per job: the holder's id, or created, or neither (a key taken
   * concurrently: the caller reads the holder with a fresh snapshot).
   */
  final NamedSql enqueue;

  /**
   * Reserve, in one statement: the DLQ sweep of expired last attempts of the queue, then up to {@code :max}
   * claimable jobs in reserve order read from {@code th_jobs_reserve_idx} (no sort) and locked with {@code SKIP
   * LOCKED}, so concurrent reservers pass each other instead of waiting, and leased. The sweep and the pick exclude
   * each other's rows. {@code RETURNING} does not keep the pick's order: the caller sorts by the returned order key.
   */
  final NamedSql reserve;

  /** extendLease: locks the row, validates and extends in one statement; returns the row's state as it was. */
  final NamedSql extendLease;

  /**
   * A round of completions (distinct jobs) in one statement: lock the rows in id order, compute each item's verdict
   * in the validation order (terminal no-op, not found, not inflight, expired, mismatch), apply the accepted ones,
   * wake the queues of jobs that became due, and return every item's verdict.
   */
  final NamedSql complete;

  final NamedSql requeue;
  final NamedSql cancel;
  final NamedSql delete;
  final NamedSql purge;
  final NamedSql get;
  final NamedSql findByKey;
  final NamedSql holderOfKey;
  final NamedSql stats;
  private final NamedSql[] lists = new NamedSql[16];

  Statements(String schema) {
    this.schema = Options.checkSchema(schema);
    this.table = "\"" + schema + "\".th_jobs";
    String t = table;

    enqueue = NamedSql.of("""
        WITH input AS (
          SELECT * FROM unnest(:ids::uuid[], :queues::text[], :types::text[], :payloads::text[], :priorities::int[],
                               :runAts::timestamptz[], :keys::text[], :maxAttempts::int[], :timeouts::bigint[])
            WITH ORDINALITY AS t(id, queue, type, payload, priority, run_at, idempotency_key, max_attempts,
                                 timeout_micros, ord)
        ),
        held AS (
          SELECT i.ord, j.id AS holder
          FROM input i JOIN %1$s j ON j.queue = i.queue AND j.idempotency_key = i.idempotency_key
          WHERE i.idempotency_key IS NOT NULL
        ),
        fresh AS (
          SELECT i.*, row_number() OVER (PARTITION BY i.id ORDER BY i.ord) AS nth
          FROM input i
          WHERE NOT EXISTS (SELECT 1 FROM held h WHERE h.ord = i.ord)
        ),
        duplicate AS (
          SELECT min(f.ord) AS ord
          FROM fresh f
          WHERE f.nth > 1 OR EXISTS (SELECT 1 FROM %1$s j WHERE j.id = f.id)
        ),
        inserted AS (
          INSERT INTO %1$s AS j (id, queue, type, payload, priority, run_at, idempotency_key, attempts, max_attempts,
                                 timeout_micros, status, available_at, created_at, updated_at)
          SELECT f.id, f.queue, f.type, f.payload::jsonb, f.priority, f.run_at, f.idempotency_key, 0, f.max_attempts,
                 f.timeout_micros, 'ready', COALESCE(f.run_at, :now::timestamptz), :now::timestamptz,
                 :now::timestamptz
          FROM fresh f
          WHERE (SELECT d.ord FROM duplicate d) IS NULL
          ORDER BY f.ord
          ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
          RETURNING j.id, j.queue, j.available_at
        ),
        woken AS (
          SELECT count(pg_notify(:channel::text, w.queue)) AS n
          FROM (SELECT DISTINCT queue FROM inserted WHERE available_at <= :now::timestamptz) w
        )
        SELECT i.ord, h.holder, ins.id IS NOT NULL AS created, (SELECT d.ord FROM duplicate d) AS duplicate_ord
        FROM input i
        LEFT JOIN held h ON h.ord = i.ord
        LEFT JOIN inserted ins ON ins.id = i.id AND h.ord IS NULL
        CROSS JOIN woken
        ORDER BY i.ord
        """.formatted(t));

    reserve = NamedSql.of("""
        WITH commit_mode AS MATERIALIZED (%4$s),
        expired AS (
          SELECT e.id
          FROM %1$s AS e
          WHERE e.queue = :queue::text AND e.status = 'inflight' AND e.attempts >= e.max_attempts
            AND e.available_at <= :now::timestamptz
          FOR UPDATE SKIP LOCKED
        ),
        swept AS (
          UPDATE %1$s AS j
          SET status = 'dlq', dlq_reason = '%2$s', dlq_failed_at = :now::timestamptz,
              finished_at = :now::timestamptz, lease_token = NULL, lease_expires_at = NULL, available_at = NULL,
              updated_at = :now::timestamptz
          WHERE j.id = ANY (ARRAY(SELECT x.id FROM expired x))
          RETURNING j.id
        ),
        picked AS (
          SELECT c.id, c.available_at
          FROM %1$s AS c
          WHERE c.queue = :queue::text AND c.status IN ('ready', 'inflight') AND c.available_at <= :now::timestamptz
            AND (c.status = 'ready' OR c.attempts < c.max_attempts)
          ORDER BY c.priority DESC, c.available_at, c.id
          LIMIT :max::int
          FOR UPDATE SKIP LOCKED
        )
        UPDATE %1$s AS j
        SET status = 'inflight', lease_token = gen_random_uuid(), lease_expires_at = :expires::timestamptz,
            available_at = :expires::timestamptz, attempts = j.attempts + 1, updated_at = :now::timestamptz
        FROM picked p
        WHERE j.id = ANY (ARRAY(SELECT q.id FROM picked q)) AND j.id = p.id
          AND (SELECT m.mode FROM commit_mode m) IS NOT NULL
        RETURNING %3$s, p.available_at AS claimable_at
        """.formatted(t, LAST_ATTEMPT_EXPIRED, columns("j"), LEASE_COMMIT_MODE));

    extendLease = NamedSql.of("""
        WITH commit_mode AS MATERIALIZED (%2$s),
        cur AS MATERIALIZED (
          SELECT c.id, c.status, c.lease_token, c.lease_expires_at FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        extended AS (
          UPDATE %1$s AS j
          SET lease_expires_at = GREATEST(j.lease_expires_at, :expires::timestamptz),
              available_at = GREATEST(j.lease_expires_at, :expires::timestamptz),
              updated_at = :now::timestamptz
          FROM cur
          WHERE j.id = cur.id AND cur.status = 'inflight' AND cur.lease_expires_at > :now::timestamptz
            AND cur.lease_token = :token::uuid
          RETURNING j.lease_expires_at
        )
        SELECT cur.status, cur.lease_expires_at, (SELECT e.lease_expires_at FROM extended e) AS extended_to
        FROM cur CROSS JOIN commit_mode
        """.formatted(t, LEASE_COMMIT_MODE));

    complete = NamedSql.of("""
        WITH commit_mode AS MATERIALIZED (%2$s),
        input AS (
          SELECT * FROM unnest(:ords::int[], :ids::uuid[], :tokens::uuid[], :kinds::text[], :results::text[],
                               :runAts::timestamptz[], :errors::text[], :reasons::text[])
            AS t(ord, id, token, kind, result, run_at, error, reason)
        ),
        cur AS MATERIALIZED (
          SELECT c.id, c.status, c.lease_token, c.lease_expires_at
          FROM %1$s AS c
          WHERE c.id IN (SELECT i.id FROM input i)
          ORDER BY c.id
          FOR UPDATE
        ),
        verdict AS MATERIALIZED (
          SELECT i.*, c.status, c.lease_expires_at,
                 CASE
                   WHEN c.id IS NULL THEN 'not_found'
                   WHEN i.kind = 'ack' AND c.status = 'done' THEN 'no_op'
                   WHEN i.kind = 'fail' AND c.status IN ('done', 'dlq') THEN 'no_op'
                   WHEN c.status <> 'inflight' THEN 'not_inflight'
                   WHEN c.lease_expires_at <= :now::timestamptz THEN 'expired'
                   WHEN c.lease_token <> i.token THEN 'mismatch'
                   ELSE 'apply'
                 END AS verdict
          FROM input i LEFT JOIN cur c ON c.id = i.id
        ),
        applied AS (
          UPDATE %1$s AS j
          SET status = CASE v.kind WHEN 'ack' THEN 'done' WHEN 'fail' THEN 'dlq' ELSE 'ready' END,
              result = CASE WHEN v.kind = 'ack' THEN v.result::jsonb ELSE j.result END,
              run_at = CASE WHEN v.kind IN ('retry', 'release') THEN COALESCE(v.run_at, :now::timestamptz)
                            ELSE j.run_at END,
              available_at = CASE WHEN v.kind IN ('retry', 'release') THEN COALESCE(v.run_at, :now::timestamptz)
                             END,
              last_error = CASE WHEN v.kind IN ('retry', 'fail') THEN v.error ELSE j.last_error END,
              dlq_reason = CASE WHEN v.kind = 'fail' THEN v.reason END,
              dlq_failed_at = CASE WHEN v.kind = 'fail' THEN :now::timestamptz END,
              finished_at = CASE WHEN v.kind IN ('ack', 'fail') THEN :now::timestamptz END,
              attempts = CASE WHEN v.kind = 'release' THEN j.attempts - 1 ELSE j.attempts END,
              lease_token = NULL, lease_expires_at = NULL, updated_at = :now::timestamptz
          FROM verdict v
          WHERE j.id = v.id AND v.verdict = 'apply'
          RETURNING j.queue, j.status, j.available_at
        ),
        woken AS (
          SELECT count(pg_notify(:channel::text, w.queue)) AS n
          FROM (SELECT DISTINCT queue FROM applied WHERE status = 'ready' AND available_at <= :now::timestamptz) w
        )
        SELECT v.ord, v.verdict, v.status, v.lease_expires_at, (SELECT count(*) FROM applied) AS applied
        FROM verdict v CROSS JOIN woken CROSS JOIN commit_mode
        ORDER BY v.ord
        """.formatted(t, LEASE_COMMIT_MODE));

    requeue = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT c.id, c.status FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        moved AS (
          UPDATE %1$s AS j
          SET status = 'ready', run_at = :now::timestamptz, available_at = :now::timestamptz, dlq_reason = NULL,
              dlq_failed_at = NULL, finished_at = NULL,
              attempts = CASE WHEN :reset::boolean THEN 0 ELSE j.attempts END, updated_at = :now::timestamptz
          FROM cur
          WHERE j.id = cur.id AND cur.status = 'dlq'
          RETURNING j.queue
        ),
        woken AS (
          SELECT count(pg_notify(:channel::text, m.queue)) AS n FROM moved m
        )
        SELECT cur.status FROM cur CROSS JOIN woken
        """.formatted(t));

    cancel = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT c.id, c.status FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        canceled AS (
          UPDATE %1$s AS j
          SET status = 'canceled', available_at = NULL, finished_at = :now::timestamptz,
              updated_at = :now::timestamptz
          FROM cur
          WHERE j.id = cur.id AND cur.status = 'ready'
          RETURNING j.id
        )
        SELECT cur.status, (SELECT count(*) FROM canceled) AS canceled FROM cur
        """.formatted(t));

    delete = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT c.id, c.status FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        deleted AS (
          DELETE FROM %1$s AS j USING cur WHERE j.id = cur.id AND cur.status <> 'inflight' RETURNING j.id
        )
        SELECT cur.status, (SELECT count(*) FROM deleted) AS deleted FROM cur
        """.formatted(t));

    purge = NamedSql.of("""
        DELETE FROM %1$s
        WHERE status = ANY (:statuses::text[]) AND finished_at IS NOT NULL AND finished_at < :before::timestamptz
        """.formatted(t));

    get = NamedSql.of("SELECT " + COLUMNS + " FROM " + t + " WHERE id = :id::uuid");
    findByKey = NamedSql.of("SELECT " + COLUMNS + " FROM " + t
        + " WHERE queue = :queue::text AND idempotency_key = :key::text");
    holderOfKey = NamedSql.of("SELECT id FROM " + t + " WHERE queue = :queue::text AND idempotency_key = :key::text");

    stats = NamedSql.of("""
        SELECT status,
               count(*) FILTER (WHERE status <> 'ready' OR available_at <= :now::timestamptz) AS not_scheduled,
               count(*) FILTER (WHERE status = 'ready' AND available_at > :now::timestamptz) AS scheduled
        FROM %1$s
        WHERE queue = :queue::text
        GROUP BY status
        """.formatted(t));
  }

  /** The list statement for the filters present: bit 0 cursor, 1 queue, 2 statuses, 3 type. */
  synchronized NamedSql list(boolean cursor, boolean queue, boolean statuses, boolean type) {
    int mask = (cursor ? 1 : 0) | (queue ? 2 : 0) | (statuses ? 4 : 0) | (type ? 8 : 0);
    NamedSql sql = lists[mask];
    if (sql == null) {
      StringBuilder b = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM ").append(table)
          .append(" WHERE true");
      if (cursor) {
        b.append(" AND id > :cursor::uuid");
      }
      if (queue) {
        b.append(" AND queue = :queue::text");
      }
      if (statuses) {
        b.append(" AND status = ANY (:statuses::text[])");
      }
      if (type) {
        b.append(" AND type = :type::text");
      }
      b.append(" ORDER BY id LIMIT :limit::int");
      sql = NamedSql.of(b.toString());
      lists[mask] = sql;
    }
    return sql;
  }

  private static String columns(String alias) {
    StringBuilder b = new StringBuilder();
    for (String c : COLUMNS.split(", ")) {
      b.append(b.length() == 0 ? "" : ", ").append(alias).append('.').append(c);
    }
    return b.toString();
  }
}
