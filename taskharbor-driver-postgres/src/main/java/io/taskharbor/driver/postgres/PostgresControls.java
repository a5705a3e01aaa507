package io.taskharbor.driver.postgres;

import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.QueueControls;
import io.taskharbor.spi.support.Validation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link QueueControls} and {@link JobControls} extensions of the PostgreSQL driver.
 *
 * <ul>
 *   <li><b>Queue settings</b> live in {@code th_queue_settings}, one row per queue that has settings other than the
 *       defaults (storing the defaults deletes the row, so a queue set back to them reserves as one that never had
 *       any). Reserve honours them ({@link JobStore#reserve}): a paused queue leases nothing, and a limited reserve
 *       locks the queue's row {@code FOR UPDATE} and counts the valid leases in a statement that starts after the
 *       lock is granted, so reserves of one queue on any number of connections take turns and never exceed the
 *       limit. Storing settings takes the same row lock, so it waits for a limited reserve in progress; it wakes the
 *       queue's idle workers ({@code NOTIFY}), as resuming a queue makes its jobs reservable at once.
 *   <li><b>The overview</b> is one statement: the jobs of every queue counted by status (and valid leases) in one
 *       aggregate, joined in full with the settings, so a queue with settings and no jobs is listed too.
 *   <li><b>Pause, resume and cancel requests</b> of one job are one statement each that locks the job's row and
 *       changes it only from the statuses the contract allows, returning its status before, so a refused call
 *       changes nothing. A resumed job is READY due at its run_at (else its creation), its place in reserve order
 *       kept; it wakes the queue when due. A cancel request on an INFLIGHT job only records {@code
 *       cancel_requested_at}: the holder learns it from its next {@code extendLease}, and reserve cancels the job
 *       once its lease ended.
 * </ul>
 */
final class PostgresControls implements QueueControls, JobControls {

  private final PostgresCoordination.Connections connections;
  private final JobStore store;
  private final Statements sql;
  private final String channel;
  private final NamedSql storeSettings;
  private final NamedSql clear;
  private final NamedSql overview;
  private final NamedSql pause;
  private final NamedSql resume;
  private final NamedSql requestCancel;

  /**
   * The payload, before the job id, of the notification that a running job was asked to cancel; it starts with a
   * character that no queue name has, so queue subscribers never mistake it for a queue.
   */
  static final String CANCEL_PAYLOAD = "!cancel:";

  PostgresControls(Statements sql, PostgresCoordination.Connections connections, JobStore store) {
    this.sql = sql;
    this.connections = connections;
    this.store = store;
    this.channel = store.channel();
    String jobs = sql.table;
    String settings = sql.settingsTable;
    this.storeSettings = NamedSql.of("""
        WITH stored AS (
          INSERT INTO %1$s AS s (queue, paused, concurrency_limit, updated_at)
          VALUES (:queue::text, :paused::boolean, :limit::int, :now::timestamptz)
          ON CONFLICT (queue) DO UPDATE
          SET paused = EXCLUDED.paused, concurrency_limit = EXCLUDED.concurrency_limit, updated_at = EXCLUDED.updated_at
          RETURNING s.queue
        )
        SELECT count(pg_notify(:channel::text, queue)) FROM stored
        """.formatted(settings));
    this.clear = NamedSql.of("""
        WITH cleared AS (DELETE FROM %1$s WHERE queue = :queue::text RETURNING queue)
        SELECT count(pg_notify(:channel::text, :queue::text)) FROM (SELECT 1) AS one
        """.formatted(settings));
    this.overview = NamedSql.of("""
        WITH counts AS (
          SELECT j.queue,
                 count(*) FILTER (WHERE j.status = 'ready' AND j.available_at <= :now::timestamptz) AS ready,
                 count(*) FILTER (WHERE j.status = 'ready' AND j.available_at > :now::timestamptz) AS scheduled,
                 count(*) FILTER (WHERE j.status = 'inflight') AS inflight,
                 count(*) FILTER (WHERE j.status = 'done') AS done,
                 count(*) FILTER (WHERE j.status = 'dlq') AS dlq,
                 count(*) FILTER (WHERE j.status = 'canceled') AS canceled,
                 count(*) FILTER (WHERE j.status = 'paused') AS paused,
                 count(*) FILTER (WHERE j.status = 'inflight' AND j.lease_expires_at > :now::timestamptz) AS valid
          FROM %1$s j
          GROUP BY j.queue
        )
        SELECT COALESCE(c.queue, s.queue) AS queue, COALESCE(s.paused, false) AS queue_paused, s.concurrency_limit,
               COALESCE(c.ready, 0), COALESCE(c.scheduled, 0), COALESCE(c.inflight, 0), COALESCE(c.done, 0),
               COALESCE(c.dlq, 0), COALESCE(c.canceled, 0), COALESCE(c.paused, 0), COALESCE(c.valid, 0)
        FROM counts c
        FULL JOIN %2$s s ON s.queue = c.queue
        ORDER BY COALESCE(c.queue, s.queue) COLLATE "C"
        """.formatted(jobs, settings));
    this.pause = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT c.id, c.status FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        paused AS (
          UPDATE %1$s AS j SET status = 'paused', available_at = NULL, updated_at = :now::timestamptz
          FROM cur
          WHERE j.id = cur.id AND cur.status = 'ready'
          RETURNING j.id
        )
        SELECT cur.status, (SELECT count(*) FROM paused) AS paused FROM cur
        """.formatted(jobs));
    this.resume = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT c.id, c.status FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        resumed AS (
          UPDATE %1$s AS j
          SET status = 'ready', available_at = COALESCE(j.run_at, j.created_at), updated_at = :now::timestamptz
          FROM cur
          WHERE j.id = cur.id AND cur.status = 'paused'
          RETURNING j.queue, j.available_at
        ),
        woken AS (
          SELECT count(pg_notify(:channel::text, r.queue)) AS n FROM resumed r WHERE r.available_at <= :now::timestamptz
        )
        SELECT cur.status FROM cur CROSS JOIN woken
        """.formatted(jobs));
    this.requestCancel = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT c.id, c.status, c.cancel_requested_at FROM %1$s AS c WHERE c.id = :id::uuid FOR UPDATE
        ),
        changed AS (
          UPDATE %1$s AS j
          SET status = CASE WHEN cur.status = 'inflight' THEN 'inflight' ELSE 'canceled' END,
              available_at = CASE WHEN cur.status = 'inflight' THEN j.available_at END,
              finished_at = CASE WHEN cur.status = 'inflight' THEN NULL ELSE :now::timestamptz END,
              cancel_requested_at = CASE WHEN cur.status = 'inflight' THEN :now::timestamptz END,
              updated_at = :now::timestamptz
          FROM cur
          WHERE j.id = cur.id
            AND (cur.status IN ('ready', 'paused') OR (cur.status = 'inflight' AND cur.cancel_requested_at IS NULL))
          RETURNING j.id
        )
        SELECT cur.status, (SELECT count(*) FROM changed) AS changed,
               (SELECT count(pg_notify(:channel::text, :cancelPayload::text)) FROM changed
                WHERE cur.status = 'inflight') AS told
        FROM cur
        """.formatted(jobs));
  }

  // ------------------------------------------------------------------------------------------------------ queues

  @Override
  public QueueSettings settings(String queue) {
    connections.ensureOpen();
    Validation.queue(queue);
    return connections.run("settings", c -> store.settings(c, queue, sql.settings));
  }

  @Override
  public QueueSettings update(String queue, QueueSettings settings, Instant now) {
    connections.ensureOpen();
    Validation.queue(queue);
    Objects.requireNonNull(settings, "settings must not be null (use QueueSettings.DEFAULT for the defaults)");
    Instant at = Validation.now(now);
    return connections.run("updateQueueSettings", c -> {
      NamedSql s = settings.isDefault() ? clear : storeSettings;
      try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
        JobRows.Params p = JobRows.Params.of(ps, s).text("queue", queue).text("channel", channel);
        if (!settings.isDefault()) {
          p.bool("paused", settings.paused()).instant("now", at);
          Integer limit = settings.concurrencyLimit();
          if (limit == null) {
            ps.setNull(s.positions("limit")[0], java.sql.Types.INTEGER);
          } else {
            p.integer("limit", limit);
          }
        }
        ps.executeQuery().close();
      }
      return settings;
    });
  }

  @Override
  public List<QueueOverview> queues(Instant now) {
    connections.ensureOpen();
    Instant at = Validation.now(now);
    return connections.run("queues", c -> {
      List<QueueOverview> all = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(overview.jdbc())) {
        JobRows.Params.of(ps, overview).instant("now", at);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String queue = rs.getString(1);
            QueueSettings settings = JobRows.queueSettings(rs, 2);
            QueueStats stats = QueueStats.builder(queue).ready(rs.getLong(4)).scheduled(rs.getLong(5))
                .inflight(rs.getLong(6)).done(rs.getLong(7)).dlq(rs.getLong(8)).canceled(rs.getLong(9))
                .paused(rs.getLong(10)).build();
            all.add(new QueueOverview(queue, settings, stats, rs.getLong(11)));
          }
        }
      }
      return List.copyOf(all);
    });
  }

  // ------------------------------------------------------------------------------------------------------ jobs

  @Override
  public void pause(JobId id, Instant now) {
    JobStatus before = change("pause", pause, id, now);
    if (before != JobStatus.READY && before != JobStatus.PAUSED) {
      throw new InvalidJobStatusException(id, before, "pause", "READY");
    }
  }

  @Override
  public void resume(JobId id, Instant now) {
    JobStatus before = change("resume", resume, id, now);
    if (before != JobStatus.PAUSED && before != JobStatus.READY) {
      throw new InvalidJobStatusException(id, before, "resume", "PAUSED");
    }
  }

  @Override
  public void requestCancel(JobId id, Instant now) {
    JobStatus before = change("requestCancel", requestCancel, id, now);
    if (before == JobStatus.DONE || before == JobStatus.DLQ) {
      throw new InvalidJobStatusException(id, before, "cancel", "READY, PAUSED or INFLIGHT");
    }
  }

  /** Runs a one-job statement; returns the job's status before it (JobNotFoundException for an unknown id). */
  private JobStatus change(String operation, NamedSql s, JobId id, Instant now) {
    connections.ensureOpen();
    Objects.requireNonNull(id, "id must not be null");
    Instant at = Validation.now(now);
    return connections.run(operation, c -> {
      try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
        JobRows.Params p = JobRows.Params.of(ps, s).uuid("id", id.uuid()).instant("now", at);
        if (s == resume) {
          p.text("channel", channel);
        }
        if (s == requestCancel) {
          p.text("channel", channel).text("cancelPayload", CANCEL_PAYLOAD + id);
        }
        return JobStore.statusOf(ps, id);
      }
    });
  }

  @Override
  public String toString() {
    return "PostgresDriver.controls[" + sql.schema + "]";
  }
}
