package io.taskharbor.driver.postgres;

import io.taskharbor.spi.support.DriverRules;
import io.taskharbor.api.JobStatus;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every SQL statement of the driver's job operations, for one schema, parsed once (distributed mode's, on {@code
 * th_nodes} and {@code th_leaders}, are in {@link PostgresCoordination}). Each driver call is one statement (one round
 * trip); the comments on the fields say how each keeps the contract without a second statement.
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

  /** The columns of a job record, in the order {@link JobRows#read} reads them. */
  static final String COLUMNS = "id, queue, type, payload::text AS payload, priority, run_at, idempotency_key, "
      + "attempts, max_attempts, timeout_micros, status, lease_token, lease_expires_at, last_error, result::text AS "
      + "result, dlq_reason, dlq_failed_at, created_at, updated_at, finished_at, leased_by, started_at, "
      + "cancel_requested_at, details_at, details_text";

  /**
   * What reserve returns of each row, in the order {@link JobRows#readReserved} reads them: what it did not just write
   * and what a leasable job can hold, then the row's reserve-order instant, whether a sweep took it (to the DLQ, or
   * canceled) and the details log of its earlier attempts.
   */
  static final String RESERVED_COLUMNS = "j.id, j.queue, j.type, j.payload::text AS payload, j.priority, j.run_at, "
      + "j.idempotency_key, j.attempts, j.max_attempts, j.timeout_micros, j.lease_token, j.last_error, j.created_at, "
      + "c.available_at AS claimable_at, c.swept, j.details_at, j.details_text";

  /**
   * Whether a completion item ({@code i}) ends its job ({@code j}) CANCELED: a cancel, or a retry or release of a job
   * whose cancel was requested (the cancel wins over running again).
   */
  private static final String CANCELS =
      "(i.kind = 'cancel' OR (i.kind IN ('retry', 'release') AND j.cancel_requested_at IS NOT NULL))";

  /** Whether a completion item makes its job READY again: a retry or release of a job nobody asked to cancel. */
  private static final String RUNS_AGAIN = "(i.kind IN ('retry', 'release') AND j.cancel_requested_at IS NULL)";

  final String schema;
  final String table;
  final String settingsTable;

  /**
   * Enqueue of a batch, in one statement, with no duplicate-id check of its own: jobs without a key go through a
   * plain {@code INSERT} (no speculative insertion), so a stored or repeated id makes the primary key refuse the whole
   * statement and nothing is stored; the caller then asks {@link #firstDuplicate} which job to name. Jobs with a key
   * are probed one by one ({@code LATERAL}, always an index lookup, whatever the table's statistics say) for a stored
   * holder ({@code held}); the others are inserted with {@code ON CONFLICT DO NOTHING}, which skips a key that a
   * concurrent transaction took meanwhile. Every queue that got a due job is woken. Returns a summary row (ord 0), then
   * for each job with a key: its holder, or created, or neither (a key taken concurrently: the caller reads the
   * holder with a fresh snapshot). Jobs without a key were all created when the statement succeeds. Jobs whose (queue,
   * key) another job of the batch had first never reach it (the caller resolves them to that job).
   */
  final NamedSql enqueue;

  /**
   * Enqueue of a batch whose jobs carry no idempotency key, the common case: {@link #enqueue} without the key probes,
   * the second insert and the per-key report, which cost about a third of the statement for nothing. The same plain
   * {@code INSERT}, the same primary-key refusal, and one {@code pg_notify} per queue that got a due job. Returns one
   * row, the number of queues woken.
   */
  final NamedSql enqueueKeyless;

  /**
   * Enqueue of one job without an idempotency key (one call per job): {@link #enqueueKeyless} with scalar parameters
   * instead of arrays, and a wake-up only when the caller found the job due ({@code :due}). Returns one row.
   */
  final NamedSql enqueueOne;

  /**
   * After a primary-key violation: the first job of the batch, in batch order, that the reference model calls a
   * duplicate (its key is not held, and its id is stored or an earlier such job has it). Read-only; every lookup is
   * an index probe. No row means the conflict is gone (the stored job was deleted meanwhile): enqueue again.
   */
  final NamedSql firstDuplicate;

  /**
   * Reserve, in one statement with one {@code UPDATE}: the expired last attempts of the queue ({@code expired}, to be
   * moved to the DLQ) and up to {@code :max} claimable jobs in reserve order read from {@code th_jobs_reserve_idx}
   * (no sort; {@code picked}), both locked with {@code SKIP LOCKED} so concurrent reservers pass each other instead of
   * waiting; the two sets exclude each other. The {@code UPDATE} finds them again by {@code ctid} (a TID scan, no
   * index descent): a row locked by this statement cannot get a newer version meanwhile, and the id is checked too.
   * One {@code UPDATE} for both, rather than one each, because every {@code UPDATE} node opens all of the table's
   * indexes when the statement starts, rows or not. Returns every row it
   * changed, {@code swept} telling the two apart. {@code RETURNING} does not keep the pick's order: the caller sorts
   * by the returned order key. A leased row gets leased_by = {@code :holder} (null when the caller named none) and
   * started_at = {@code :now}; a swept row keeps both.
   *
   * <p>Queue controls add two things. A third set, {@code canceling}, takes the queue's INFLIGHT jobs whose cancel was
   * requested and whose lease ended (from the tiny partial index {@code th_jobs_cancel_requested_idx}) and makes them
   * CANCELED; the other two sets skip such rows. And the pick's {@code LIMIT} probes {@code th_queue_settings} by
   * primary key: a queue with a row there (paused or limited) leases nothing in this statement, and the caller then
   * reads its settings ({@link #settings}) and, under a limit, runs {@link #reserveLimited}. A queue with the
   * defaults has no row: it pays one index probe of an empty or tiny table.
   */
  final NamedSql reserve;

  /**
   * Reserve under a concurrency limit {@code :limit}, run in a transaction that holds the queue's settings row
   * ({@link #settingsForUpdate}): reserves of that queue take turns, and each statement starts after the previous
   * one committed, so its snapshot counts the valid leases the previous one made. It leases at most {@code :limit}
   * minus the queue's INFLIGHT jobs whose lease is valid at {@code :now} (counted through {@code
   * th_jobs_inflight_idx}; expired leases do not count); otherwise it is {@link #reserve}.
   */
  final NamedSql reserveLimited;

  /** A queue's stored settings (no row: the defaults). */
  final NamedSql settings;

  /** A queue's stored settings, its row locked until the transaction ends: limited reserves take turns on it. */
  final NamedSql settingsForUpdate;

  /** The stored details logs of some jobs: a completion that adds lines appends them to these. */
  final NamedSql details;

  /**
   * extendLease: locks the row, validates and extends in one statement; returns the row's state as it was, whether
   * the presented token is the held one, and whether a cancel was requested (then it does not extend).
   */
  final NamedSql extendLease;

  /**
   * A round of completions (distinct jobs) in one statement: one {@code UPDATE} applies every item whose lease is
   * still its own (INFLIGHT, the same token, valid at {@code :now}), wakes the queues of jobs that became due, and
   * returns the ids it applied (after a summary row). It takes no row lock of its own before updating: the update is
   * the only write. The items it did not apply change nothing, so the caller classifies them afterwards, with {@link
   * #leaseStates}, in the validation order; a refusal judged a moment later is as true as one judged at once.
   */
  final NamedSql complete;

  /** The lease state of some jobs: to classify the completions that {@link #complete} did not apply. */
  final NamedSql leaseStates;

  final NamedSql requeue;
  final NamedSql cancel;
  final NamedSql delete;
  final NamedSql purge;
  final NamedSql get;
  final NamedSql findByKey;
  final NamedSql holderOfKey;
  final NamedSql stats;

  /**
   * The live jobs of every queue by type ({@code Statistics.liveJobs}), in one aggregate statement over the rows of
   * status ready or inflight only: the predicate is the one of the partial index {@code th_jobs_reserve_idx}, so the
   * planner reads the live rows through it (a bitmap of the index, then their heap pages) and never the finished
   * rows, however many. Due and scheduled are told apart as stats does ({@code available_at <= :now} for a ready
   * row); each group's oldest due instant comes along, the caller takes each queue's minimum. Ordered by queue, then
   * type, in code point order ({@code COLLATE "C"}), as the TCK requires.
   */
  final NamedSql liveJobs;
  private final Map<Integer, NamedSql> lists = new ConcurrentHashMap<>();

  Statements(String schema) {
    this.schema = Options.checkSchema(schema);
    this.table = "\"" + schema + "\".th_jobs";
    this.settingsTable = "\"" + schema + "\".th_queue_settings";
    String t = table;

    String insertPlain = """
        INSERT INTO %1$s (id, queue, type, payload, priority, run_at, idempotency_key, attempts, max_attempts,
                          timeout_micros, status, available_at, created_at, updated_at)
        SELECT i.id, i.queue, i.type, i.payload::jsonb, i.priority, i.run_at, NULL, 0, i.max_attempts,
               i.timeout_micros, 'ready', COALESCE(i.run_at, :now::timestamptz), :now::timestamptz, :now::timestamptz
        FROM input i""".formatted(t);
    enqueue = NamedSql.of("""
        WITH input AS (
          SELECT * FROM unnest(:ids::uuid[], :queues::text[], :types::text[], :payloads::text[], :priorities::int[],
                               :runAts::timestamptz[], :keys::text[], :maxAttempts::int[], :timeouts::bigint[])
            WITH ORDINALITY AS t(id, queue, type, payload, priority, run_at, idempotency_key, max_attempts,
                                 timeout_micros, ord)
        ),
        held AS (
          SELECT i.ord, h.id AS holder
          FROM input i
          CROSS JOIN LATERAL (
            SELECT j.id FROM %1$s j WHERE j.queue = i.queue AND j.idempotency_key = i.idempotency_key LIMIT 1
          ) h
          WHERE i.idempotency_key IS NOT NULL
        ),
        plain AS (
          %2$s
          WHERE i.idempotency_key IS NULL
        ),
        keyed AS (
          INSERT INTO %1$s AS j (id, queue, type, payload, priority, run_at, idempotency_key, attempts, max_attempts,
                                 timeout_micros, status, available_at, created_at, updated_at)
          SELECT i.id, i.queue, i.type, i.payload::jsonb, i.priority, i.run_at, i.idempotency_key, 0, i.max_attempts,
                 i.timeout_micros, 'ready', COALESCE(i.run_at, :now::timestamptz), :now::timestamptz, :now::timestamptz
          FROM input i
          WHERE i.idempotency_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM held h WHERE h.ord = i.ord)
          ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
          RETURNING j.id, j.queue, j.available_at
        ),
        woken AS (
          SELECT count(pg_notify(:channel::text, w.queue)) AS n
          FROM (
            SELECT i.queue FROM input i
            WHERE i.idempotency_key IS NULL AND (i.run_at IS NULL OR i.run_at <= :now::timestamptz)
            UNION
            SELECT k.queue FROM keyed k WHERE k.available_at <= :now::timestamptz
          ) w
        )
        SELECT 0::bigint AS ord, NULL::uuid AS holder, false AS created, (SELECT w.n FROM woken w) AS woken
        UNION ALL
        SELECT i.ord, h.holder, k.id IS NOT NULL, NULL
        FROM input i
        LEFT JOIN held h ON h.ord = i.ord
        LEFT JOIN keyed k ON k.id = i.id AND h.ord IS NULL
        WHERE i.idempotency_key IS NOT NULL
        ORDER BY ord
        """.formatted(t, insertPlain));

    enqueueKeyless = NamedSql.of("""
        WITH input AS (
          SELECT * FROM unnest(:ids::uuid[], :queues::text[], :types::text[], :payloads::text[], :priorities::int[],
                               :runAts::timestamptz[], :maxAttempts::int[], :timeouts::bigint[])
            AS t(id, queue, type, payload, priority, run_at, max_attempts, timeout_micros)
        ),
        plain AS (
          %2$s
        )
        SELECT count(pg_notify(:channel::text, w.queue)) AS woken
        FROM (SELECT DISTINCT i.queue FROM input i WHERE i.run_at IS NULL OR i.run_at <= :now::timestamptz) w
        """.formatted(t, insertPlain));

    enqueueOne = NamedSql.of("""
        WITH plain AS (
          INSERT INTO %1$s (id, queue, type, payload, priority, run_at, idempotency_key, attempts, max_attempts,
                            timeout_micros, status, available_at, created_at, updated_at)
          VALUES (:id::uuid, :queue::text, :type::text, :payload::text::jsonb, :priority::int, :runAt::timestamptz,
                  NULL, 0, :maxAttempts::int, :timeout::bigint, 'ready',
                  COALESCE(:runAt::timestamptz, :now::timestamptz), :now::timestamptz, :now::timestamptz)
        )
        SELECT count(pg_notify(:channel::text, :queue::text)) AS woken FROM (SELECT 1) AS one WHERE :due::boolean
        """.formatted(t));

    firstDuplicate = NamedSql.of("""
        WITH input AS (
          SELECT * FROM unnest(:ids::uuid[], :queues::text[], :keys::text[]) WITH ORDINALITY AS t(id, queue,
                                                                                                 idempotency_key, ord)
        ),
        live AS (
          SELECT i.ord, i.id, row_number() OVER (PARTITION BY i.id ORDER BY i.ord) AS nth
          FROM input i
          LEFT JOIN LATERAL (
            SELECT true AS held FROM %1$s j
            WHERE i.idempotency_key IS NOT NULL AND j.queue = i.queue AND j.idempotency_key = i.idempotency_key
            LIMIT 1
          ) k ON true
          WHERE k.held IS NULL
        )
        SELECT l.ord
        FROM live l
        LEFT JOIN LATERAL (SELECT true AS stored FROM %1$s j WHERE j.id = l.id LIMIT 1) s ON true
        WHERE l.nth > 1 OR s.stored
        ORDER BY l.ord
        LIMIT 1
        """.formatted(t));

    String unlimited = "CASE WHEN EXISTS (SELECT 1 FROM %s s WHERE s.queue = :queue::text) THEN 0 ELSE :max::int END"
        .formatted(settingsTable);
    String limited = """
        GREATEST(0, LEAST(:max::int, :limit::int - (
          SELECT count(*) FROM %s v
          WHERE v.queue = :queue::text AND v.status = 'inflight' AND v.lease_expires_at > :now::timestamptz)))"""
        .formatted(t);
    reserve = reserve(t, unlimited);
    reserveLimited = reserve(t, limited);
    String settingsOfQueue = "SELECT paused, concurrency_limit FROM " + settingsTable + " WHERE queue = :queue::text";
    settings = NamedSql.of(settingsOfQueue);
    settingsForUpdate = NamedSql.of(settingsOfQueue + " FOR UPDATE");
    details = NamedSql.of("SELECT id, details_at, details_text FROM " + t + " WHERE id = ANY (:ids::uuid[])");

    extendLease = NamedSql.of("""
        WITH commit_mode AS MATERIALIZED (%2$s),
        cur AS MATERIALIZED (
          SELECT c.id, c.status, c.lease_token, c.lease_expires_at, c.cancel_requested_at
          FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        extended AS (
          UPDATE %1$s AS j
          SET lease_expires_at = GREATEST(j.lease_expires_at, :expires::timestamptz),
              available_at = GREATEST(j.lease_expires_at, :expires::timestamptz),
              updated_at = :now::timestamptz
          FROM cur
          WHERE j.id = cur.id AND cur.status = 'inflight' AND cur.lease_expires_at > :now::timestamptz
            AND cur.lease_token = :token::uuid AND cur.cancel_requested_at IS NULL
          RETURNING j.lease_expires_at
        )
        SELECT cur.status, cur.lease_expires_at, cur.lease_token = :token::uuid AS own,
               cur.cancel_requested_at IS NOT NULL AS cancel_requested,
               (SELECT e.lease_expires_at FROM extended e) AS extended_to
        FROM cur CROSS JOIN commit_mode
        """.formatted(t, LEASE_COMMIT_MODE));

    complete = NamedSql.of("""
        WITH commit_mode AS MATERIALIZED (%2$s),
        input AS MATERIALIZED (
          SELECT * FROM unnest(:ids::uuid[], :tokens::uuid[], :kinds::text[], :results::text[],
                               :runAts::timestamptz[], :errors::text[], :reasons::text[], :detailsAt::text[],
                               :detailsText::text[])
            AS t(id, token, kind, result, run_at, error, reason, details_at, details_text)
        ),
        applied AS (
          UPDATE %1$s AS j
          SET status = CASE WHEN %3$s THEN 'canceled' WHEN i.kind = 'ack' THEN 'done' WHEN i.kind = 'fail' THEN 'dlq'
                            ELSE 'ready' END,
              result = CASE WHEN i.kind = 'ack' THEN i.result::jsonb ELSE j.result END,
              run_at = CASE WHEN %4$s THEN COALESCE(i.run_at, :now::timestamptz) ELSE j.run_at END,
              available_at = CASE WHEN %4$s THEN COALESCE(i.run_at, :now::timestamptz) END,
              last_error = CASE WHEN i.kind = 'fail' OR (i.kind = 'retry' AND %4$s) THEN i.error ELSE j.last_error END,
              dlq_reason = CASE WHEN i.kind = 'fail' THEN i.reason END,
              dlq_failed_at = CASE WHEN i.kind = 'fail' THEN :now::timestamptz END,
              finished_at = CASE WHEN i.kind IN ('ack', 'fail') OR %3$s THEN :now::timestamptz END,
              attempts = CASE WHEN i.kind = 'release' AND %4$s THEN j.attempts - 1 ELSE j.attempts END,
              details_at = COALESCE(i.details_at::timestamptz[], j.details_at),
              details_text = COALESCE(i.details_text::text[], j.details_text),
              lease_token = NULL, lease_expires_at = NULL, updated_at = :now::timestamptz
          FROM input i
          WHERE j.id = ANY (:ids::uuid[]) AND j.id = i.id
            -- the lease check sits in a CASE so that the planner cannot use the status to read th_jobs_reserve_idx
            -- (a bitmap of every live job of the table): the rows are found by id, in th_jobs_pkey, and only there
            AND CASE WHEN j.status = 'inflight' THEN j.lease_token = i.token AND j.lease_expires_at > :now::timestamptz
                     ELSE false END
            AND (SELECT m.mode FROM commit_mode m) IS NOT NULL
          RETURNING j.id, j.queue, j.status, j.available_at
        ),
        woken AS (
          SELECT count(pg_notify(:channel::text, w.queue)) AS n
          FROM (SELECT DISTINCT queue FROM applied WHERE status = 'ready' AND available_at <= :now::timestamptz) w
        )
        SELECT NULL::uuid AS id, (SELECT w.n FROM woken w) AS woken
        UNION ALL
        SELECT a.id, NULL FROM applied a
        """.formatted(t, LEASE_COMMIT_MODE, CANCELS, RUNS_AGAIN));

    leaseStates = NamedSql.of(
        "SELECT id, status, lease_token, lease_expires_at FROM " + t + " WHERE id = ANY (:ids::uuid[])");

    requeue = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT c.id, c.status FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        moved AS (
          UPDATE %1$s AS j
          SET status = 'ready', run_at = :now::timestamptz, available_at = :now::timestamptz, dlq_reason = NULL,
              dlq_failed_at = NULL, finished_at = NULL, cancel_requested_at = NULL,
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
          WHERE j.id = cur.id AND cur.status IN ('ready', 'paused')
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
        SELECT s.status,
               count(*) FILTER (WHERE s.status <> 'ready' OR s.available_at <= :now::timestamptz) AS not_scheduled,
               count(*) FILTER (WHERE s.status = 'ready' AND s.available_at > :now::timestamptz) AS scheduled
        FROM (
          SELECT l.status, l.available_at FROM %1$s l
          WHERE l.queue = :queue::text AND l.status IN ('ready', 'inflight')
          UNION ALL
          SELECT f.status, NULL FROM %1$s f
          WHERE f.queue = :queue::text AND f.status IN ('done', 'dlq', 'canceled')
          UNION ALL
          SELECT p.status, NULL FROM %1$s p
          WHERE p.queue = :queue::text AND p.status = 'paused'
        ) s
        GROUP BY s.status
        """.formatted(t));

    liveJobs = NamedSql.of("""
        SELECT l.queue, l.type,
               count(*) FILTER (WHERE l.status = 'ready' AND l.available_at <= :now::timestamptz) AS ready,
               count(*) FILTER (WHERE l.status = 'ready' AND l.available_at > :now::timestamptz) AS scheduled,
               count(*) FILTER (WHERE l.status = 'inflight') AS inflight,
               min(l.available_at) FILTER (WHERE l.status = 'ready' AND l.available_at <= :now::timestamptz)
                 AS oldest_due
        FROM %1$s l
        WHERE l.status IN ('ready', 'inflight')
        GROUP BY l.queue, l.type
        ORDER BY l.queue COLLATE "C", l.type COLLATE "C"
        """.formatted(t));
  }

  /** The reserve statement ({@link #reserve}) whose pick leases at most {@code room} jobs. */
  private static NamedSql reserve(String t, String room) {
    return NamedSql.of("""
        WITH commit_mode AS MATERIALIZED (%4$s),
        canceling AS (
          SELECT k.ctid, k.id, k.available_at
          FROM %1$s AS k
          WHERE k.queue = :queue::text AND k.status = 'inflight' AND k.cancel_requested_at IS NOT NULL
            AND k.lease_expires_at <= :now::timestamptz
          FOR UPDATE SKIP LOCKED
        ),
        expired AS (
          SELECT e.ctid, e.id, e.available_at
          FROM %1$s AS e
          WHERE e.queue = :queue::text AND e.status = 'inflight' AND e.attempts >= e.max_attempts
            AND e.available_at <= :now::timestamptz AND e.cancel_requested_at IS NULL
          FOR UPDATE SKIP LOCKED
        ),
        picked AS (
          SELECT c.ctid, c.id, c.available_at
          FROM %1$s AS c
          WHERE c.queue = :queue::text AND c.status IN ('ready', 'inflight') AND c.available_at <= :now::timestamptz
            AND (c.status = 'ready' OR c.attempts < c.max_attempts) AND c.cancel_requested_at IS NULL
          ORDER BY c.priority DESC, c.available_at, c.id
          LIMIT %5$s
          FOR UPDATE SKIP LOCKED
        ),
        chosen AS (
          SELECT x.ctid AS tid, x.id, x.available_at, true AS swept, false AS canceled FROM expired x
          UNION ALL
          SELECT k.ctid, k.id, k.available_at, true, true FROM canceling k
          UNION ALL
          SELECT p.ctid, p.id, p.available_at, false, false FROM picked p
        )
        UPDATE %1$s AS j
        SET status = CASE WHEN c.canceled THEN 'canceled' WHEN c.swept THEN 'dlq' ELSE 'inflight' END,
            lease_token = CASE WHEN c.swept THEN NULL ELSE gen_random_uuid() END,
            lease_expires_at = CASE WHEN c.swept THEN NULL ELSE :expires::timestamptz END,
            available_at = CASE WHEN c.swept THEN NULL ELSE :expires::timestamptz END,
            attempts = CASE WHEN c.swept THEN j.attempts ELSE j.attempts + 1 END,
            dlq_reason = CASE WHEN c.swept AND NOT c.canceled THEN '%2$s' END,
            dlq_failed_at = CASE WHEN c.swept AND NOT c.canceled THEN :now::timestamptz END,
            finished_at = CASE WHEN c.swept THEN :now::timestamptz END,
            leased_by = CASE WHEN c.swept THEN j.leased_by ELSE :holder::text END,
            started_at = CASE WHEN c.swept THEN j.started_at ELSE :now::timestamptz END,
            updated_at = :now::timestamptz
        FROM chosen c
        WHERE j.ctid = ANY (ARRAY(SELECT q.tid FROM chosen q)) AND j.ctid = c.tid AND j.id = c.id
          AND (SELECT m.mode FROM commit_mode m) IS NOT NULL
        RETURNING %3$s
        """.formatted(t, DriverRules.LAST_ATTEMPT_EXPIRED, RESERVED_COLUMNS, LEASE_COMMIT_MODE, room));
  }

  /**
   * The list statement for the filters present. Statuses are written into the SQL as literals (they come from the
   * enum, never from the caller's text), so the planner can prove that a filter on finished statuses matches
   * {@code th_jobs_finished_queue_idx} even in a generic plan; one statement per combination, made when first used.
   */
  NamedSql list(boolean cursor, boolean queue, Set<JobStatus> statuses, boolean type, boolean leasedBy) {
    int statusBits = 0;
    for (JobStatus status : statuses) {
      statusBits |= 1 << status.ordinal();
    }
    int key = (cursor ? 1 : 0) | (queue ? 2 : 0) | (type ? 4 : 0) | (leasedBy ? 8 : 0) | statusBits << 4;
    return lists.computeIfAbsent(key, k -> {
      StringBuilder b = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM ").append(table)
          .append(" WHERE true");
      if (cursor) {
        b.append(" AND id > :cursor::uuid");
      }
      if (queue) {
        b.append(" AND queue = :queue::text");
      }
      if (!statuses.isEmpty()) {
        StringJoiner in = new StringJoiner(", ", " AND status IN (", ")");
        EnumSet.copyOf(statuses).forEach(status -> in.add("'" + JobRows.stored(status) + "'"));
        b.append(in);
      }
      if (type) {
        b.append(" AND type = :type::text");
      }
      if (leasedBy) {
        b.append(" AND leased_by = :leasedBy::text");
      }
      b.append(" ORDER BY id LIMIT :limit::int");
      return NamedSql.of(b.toString());
    });
  }
}
