package io.taskharbor.driver.postgres;

import io.taskharbor.api.CancelRequestedException;
import io.taskharbor.api.Detail;
import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.support.DriverRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The driver's operations on one JDBC connection, one statement each in the common case (see {@link Statements}).
 * Arguments arrive validated; SQL failures propagate as {@link SQLException}s for the caller to translate. Stateless
 * apart from the statements, so one instance serves every thread.
 *
 * <p>Completions are applied in rounds: a batch naming each job once (the usual case) is one round, one statement.
 * When a batch names a job again, its second mention goes to a second round that runs after the first, and so on, so
 * each item sees the effect of the items before it exactly as if the batch were applied one item at a time.
 */
final class JobStore {

  private static final Pattern DUPLICATE_KEY = Pattern.compile("\\(id\\)=\\(([0-9a-fA-F-]{36})\\)");
  private static final int ENQUEUE_ATTEMPTS = 3;

  /** Reserve order: priority descending, then the instant the job became claimable, then id. */
  private static final Comparator<Reserved> RESERVE_ORDER = Comparator
      .comparingInt((Reserved r) -> r.job().priority()).reversed()
      .thenComparing(Reserved::claimableAt)
      .thenComparing(r -> r.job().id());

  private final Statements sql;
  private final String channel;

  JobStore(Statements sql, String channel) {
    this.sql = sql;
    this.channel = channel;
  }

  String channel() {
    return channel;
  }

  // ------------------------------------------------------------------------------------------------------ enqueue

  /**
   * Stores a batch. A primary-key violation means some job's id is stored or repeats in the batch; with {@code
   * canRetry} (the connection is in auto-commit mode, so the failed statement left no trace) the driver then asks the
   * database which job to name, exactly as the reference model would (the first in batch order), and retries if the
   * conflict is gone; inside an application's transaction the failed statement has aborted it, so the duplicate is
   * named from the server's message instead.
   */
  List<EnqueueResult> enqueue(Connection c, List<NewJob> jobs, Instant now, boolean canRetry) throws SQLException {
    // Jobs whose (queue, key) an earlier job of the batch has are answered with that job's result.
    int n = jobs.size();
    int[] leader = new int[n];
    Map<List<String>, Integer> firstWithKey = new HashMap<>();
    List<Integer> candidates = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      NewJob job = jobs.get(i);
      leader[i] = -1;
      if (job.idempotencyKey() != null) {
        Integer first = firstWithKey.putIfAbsent(List.of(job.queue(), job.idempotencyKey()), i);
        if (first != null) {
          leader[i] = first;
          continue;
        }
      }
      candidates.add(i);
    }
    EnqueueResult[] results = new EnqueueResult[n];
    List<Integer> pending = candidates;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      List<NewJob> batch = pending.size() == n ? jobs : pending.stream().map(jobs::get).toList();
      List<@Nullable EnqueueResult> stored;
      try {
        stored = insert(c, batch, now);
      } catch (PSQLException e) {
        if (!"23505".equals(e.getSQLState()) || !isPrimaryKey(e)) {
          throw e;
        }
        if (!canRetry) {
          throw new DuplicateJobException(duplicateId(e, batch));
        }
        Optional<JobId> duplicate = firstDuplicate(c, batch);
        if (duplicate.isPresent()) {
          throw new DuplicateJobException(duplicate.get());
        }
        if (attempt >= ENQUEUE_ATTEMPTS) {
          throw new SQLException("a job id of the batch was stored and deleted again by concurrent transactions "
              + "while enqueueing; enqueue the batch again", "40001", e);
        }
        continue;
      }
      List<Integer> unresolved = new ArrayList<>();
      for (int k = 0; k < pending.size(); k++) {
        EnqueueResult r = stored.get(k);
        if (r != null) {
          results[pending.get(k)] = r;
          continue;
        }
        // The key was taken by a transaction that committed after this statement's snapshot: read the holder now.
        NewJob job = batch.get(k);
        Optional<JobId> holder = holderOfKey(c, job.queue(), job.idempotencyKey());
        if (holder.isPresent()) {
          results[pending.get(k)] = new EnqueueResult(holder.get(), false);
        } else {
          unresolved.add(pending.get(k));
        }
      }
      // A holder that vanished meanwhile (deleted) freed its key: store these jobs after all.
      if (!unresolved.isEmpty() && attempt >= ENQUEUE_ATTEMPTS) {
        throw new SQLException("idempotency keys of " + unresolved.size() + " job(s) were taken and freed again by "
            + "concurrent transactions while enqueueing; enqueue them again", "40001");
      }
      pending = unresolved;
    }
    for (int i = 0; i < n; i++) {
      if (leader[i] >= 0) {
        results[i] = new EnqueueResult(results[leader[i]].id(), false);
      }
    }
    return List.of(results);
  }

  /**
   * One run of the enqueue statement; an entry is null when the job's key was taken concurrently. Jobs without a key
   * are created whenever the statement succeeds (the statement reports only the jobs with a key). A batch without keys
   * takes a leaner statement of its own, and a single such job one with scalar parameters (what that is worth:
   * docs/performance.md, section 4).
   */
  private List<@Nullable EnqueueResult> insert(Connection c, List<NewJob> batch, Instant now) throws SQLException {
    int n = batch.size();
    if (batch.stream().allMatch(job -> job.idempotencyKey() == null)) {
      if (n == 1) {
        insertOne(c, batch.get(0), now);
      } else {
        insertKeyless(c, batch, now);
      }
      return batch.stream().<@Nullable EnqueueResult>map(job -> new EnqueueResult(job.id(), true)).toList();
    }
    String[] keys = new String[n];
    List<@Nullable EnqueueResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      NewJob job = batch.get(i);
      keys[i] = job.idempotencyKey();
      results.add(job.idempotencyKey() == null ? new EnqueueResult(job.id(), true) : null);
    }
    NamedSql s = sql.enqueue;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      bindColumns(JobRows.Params.of(ps, s), c, batch, now).array("keys", c, "text", keys);
      boolean summary = false;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int ord = rs.getInt("ord");
          if (ord == 0) {
            summary = true;
            continue;
          }
          UUID holder = rs.getObject("holder", UUID.class);
          if (holder != null) {
            results.set(ord - 1, new EnqueueResult(new JobId(holder), false));
          } else if (rs.getBoolean("created")) {
            results.set(ord - 1, new EnqueueResult(batch.get(ord - 1).id(), true));
          }
        }
      }
      if (!summary) {
        throw new SQLException("the enqueue statement returned no summary row", "XX000");
      }
      return results;
    }
  }

  /** {@link #insert} of jobs without a key: all of them are created when the statement succeeds. */
  private void insertKeyless(Connection c, List<NewJob> batch, Instant now) throws SQLException {
    NamedSql s = sql.enqueueKeyless;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      bindColumns(JobRows.Params.of(ps, s), c, batch, now);
      requireOneRow(ps);
    }
  }

  /** Binds the columns that both batch statements take, as arrays in batch order, with {@code :now} and the channel. */
  private JobRows.Params bindColumns(JobRows.Params params, Connection c, List<NewJob> batch, Instant now)
      throws SQLException {
    int n = batch.size();
    UUID[] ids = new UUID[n];
    String[] queues = new String[n];
    String[] types = new String[n];
    String[] payloads = new String[n];
    Integer[] priorities = new Integer[n];
    String[] runAts = new String[n];
    Integer[] maxAttempts = new Integer[n];
    Long[] timeouts = new Long[n];
    for (int i = 0; i < n; i++) {
      NewJob job = batch.get(i);
      ids[i] = job.id().uuid();
      queues[i] = job.queue();
      types[i] = job.type();
      payloads[i] = job.payload();
      priorities[i] = job.priority();
      runAts[i] = JobRows.iso(job.runAt());
      maxAttempts[i] = job.maxAttempts();
      timeouts[i] = timeoutMicros(job);
    }
    return params
        .array("ids", c, "uuid", ids)
        .array("queues", c, "text", queues)
        .array("types", c, "text", types)
        .array("payloads", c, "text", payloads)
        .array("priorities", c, "int4", priorities)
        .array("runAts", c, "text", runAts)
        .array("maxAttempts", c, "int4", maxAttempts)
        .array("timeouts", c, "int8", timeouts)
        .instant("now", now)
        .text("channel", channel);
  }

  /** {@link #insert} of one job without a key. */
  private void insertOne(Connection c, NewJob job, Instant now) throws SQLException {
    NamedSql s = sql.enqueueOne;
    Instant runAt = job.runAt();
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s)
          .uuid("id", job.id().uuid())
          .text("queue", job.queue())
          .text("type", job.type())
          .text("payload", job.payload())
          .integer("priority", job.priority())
          .instant("runAt", runAt)
          .integer("maxAttempts", job.maxAttempts())
          .bigint("timeout", timeoutMicros(job))
          .instant("now", now)
          .text("channel", channel)
          .bool("due", runAt == null || !runAt.isAfter(now));
      requireOneRow(ps);
    }
  }

  private static @Nullable Long timeoutMicros(NewJob job) {
    Duration timeout = job.timeout();
    return timeout == null ? null : micros(timeout);
  }

  private static void requireOneRow(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the enqueue statement returned no summary row", "XX000");
      }
    }
  }

  /** After a primary-key violation: the id the reference model names, if a conflict is still there. */
  private Optional<JobId> firstDuplicate(Connection c, List<NewJob> batch) throws SQLException {
    int n = batch.size();
    UUID[] ids = new UUID[n];
    String[] queues = new String[n];
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      NewJob job = batch.get(i);
      ids[i] = job.id().uuid();
      queues[i] = job.queue();
      keys[i] = job.idempotencyKey();
    }
    NamedSql s = sql.firstDuplicate;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s)
          .array("ids", c, "uuid", ids)
          .array("queues", c, "text", queues)
          .array("keys", c, "text", keys);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(batch.get(rs.getInt(1) - 1).id()) : Optional.empty();
      }
    }
  }

  private static boolean isPrimaryKey(PSQLException e) {
    ServerErrorMessage m = e.getServerErrorMessage();
    return m != null && "th_jobs_pkey".equals(m.getConstraint());
  }

  private static JobId duplicateId(PSQLException e, List<NewJob> batch) {
    ServerErrorMessage m = e.getServerErrorMessage();
    if (m != null && m.getDetail() != null) {
      Matcher matcher = DUPLICATE_KEY.matcher(m.getDetail());
      if (matcher.find()) {
        return new JobId(UUID.fromString(matcher.group(1)));
      }
    }
    return batch.get(0).id();
  }

  private Optional<JobId> holderOfKey(Connection c, String queue, @Nullable String key) throws SQLException {
    if (key == null) {
      return Optional.empty();
    }
    NamedSql s = sql.holderOfKey;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).text("queue", queue).text("key", key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new JobId(rs.getObject(1, UUID.class))) : Optional.empty();
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------ reserve

  private record Reserved(JobRecord job, Instant claimableAt) {}

  /**
   * Reserves on a connection in auto-commit mode. A queue with the default settings is one statement ({@link
   * Statements#reserve}). When it leases nothing, the queue may have settings (that statement leases nothing then):
   * they are read, and under a concurrency limit the reserve runs again, limited, in a transaction of its own that
   * holds the queue's settings row ({@link #reserveLimited}); a paused queue leases nothing.
   */
  List<LeasedJob> reserve(Connection c, String queue, int max, Instant now, Duration lease, @Nullable String holder)
      throws SQLException {
    List<LeasedJob> leased = reserveWith(c, sql.reserve, queue, max, null, now, lease, holder);
    if (!leased.isEmpty()) {
      return leased;
    }
    QueueSettings settings = settings(c, queue, sql.settings);
    if (settings.paused() || settings.concurrencyLimit() == null) {
      return leased;
    }
    return reserveLimited(c, queue, max, now, lease, holder);
  }

  /**
   * Reserves under the queue's concurrency limit: locks its settings row, then counts its valid leases and leases at
   * most the limit minus them, in a second statement whose snapshot starts after the lock was granted, so it sees
   * every lease that the reserve before it committed. Committed here; settings changed meanwhile are honoured.
   */
  private List<LeasedJob> reserveLimited(Connection c, String queue, int max, Instant now, Duration lease,
      @Nullable String holder) throws SQLException {
    return inTransaction(c, tx -> {
      QueueSettings locked = settings(tx, queue, sql.settingsForUpdate);
      Integer limit = locked.concurrencyLimit();
      return locked.paused() || limit == null ? List.of()
          : reserveWith(tx, sql.reserveLimited, queue, max, limit, now, lease, holder);
    });
  }

  /** Work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} on {@code c} in one transaction: committed when it returns, rolled back when it throws (a
   * refusal included, so that a refused call changes nothing); the connection's auto-commit mode is restored.
   */
  static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    boolean auto = c.getAutoCommit();
    if (auto) {
      c.setAutoCommit(false);
    }
    try {
      T result = work.apply(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      try {
        c.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    } finally {
      if (auto) {
        c.setAutoCommit(true);
      }
    }
  }

  /** Returns a queue's stored settings, read with {@code statement}; the defaults when it has no row. */
  QueueSettings settings(Connection c, String queue, NamedSql statement) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement.jdbc())) {
      JobRows.Params.of(ps, statement).text("queue", queue);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return QueueSettings.DEFAULT;
        }
        return JobRows.queueSettings(rs, 1);
      }
    }
  }

  private List<LeasedJob> reserveWith(Connection c, NamedSql s, String queue, int max, @Nullable Integer limit,
      Instant now, Duration lease, @Nullable String holder) throws SQLException {
    List<Reserved> reserved = new ArrayList<>();
    Instant expires = now.plus(lease);
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params p = JobRows.Params.of(ps, s)
          .text("queue", queue)
          .integer("max", max)
          .instant("now", now)
          .instant("expires", expires)
          .text("holder", holder);
      if (limit != null) {
        p.integer("limit", limit);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!rs.getBoolean(15)) { // swept: moved to the DLQ or canceled, not leased
            reserved.add(new Reserved(JobRows.readReserved(rs, now, expires, holder),
                JobRows.requireInstant(rs, 14)));
          }
        }
      }
    }
    reserved.sort(RESERVE_ORDER);
    return reserved.stream().map(r -> new LeasedJob(r.job())).toList();
  }

  // ------------------------------------------------------------------------------------------------------ leases

  Instant extendLease(Connection c, JobId id, LeaseToken token, Instant now, Duration lease) throws SQLException {
    NamedSql s = sql.extendLease;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s)
          .uuid("id", id.uuid())
          .uuid("token", token.uuid())
          .instant("now", now)
          .instant("expires", now.plus(lease));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new JobNotFoundException(id);
        }
        Instant extended = JobRows.instant(rs, "extended_to");
        if (extended != null) {
          return extended;
        }
        // Not extended: the job is not INFLIGHT, its lease is no longer valid, another token holds it, or (the lease
        // checks passed, and they win) an administrator asked to cancel it.
        JobStatus status = JobRows.status(rs.getString("status"));
        JobStateException refusal = DriverRules.leaseRefusal(id, status, JobRows.instant(rs, "lease_expires_at"),
            rs.getBoolean("own") ? token : null, token, now, "extendLease");
        if (refusal == null && rs.getBoolean("cancel_requested")) {
          refusal = new CancelRequestedException(id);
        }
        throw Objects.requireNonNull(refusal, "a lease the statement did not extend is refused");
      }
    }
  }

  List<Outcome> complete(Connection c, List<Completion> completions, Instant now) throws SQLException {
    int n = completions.size();
    // Round r holds the (r+1)-th mention of each job, so every round names distinct jobs.
    List<List<Integer>> rounds = new ArrayList<>();
    Map<JobId, Integer> mentions = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int round = mentions.merge(completions.get(i).id(), 1, Integer::sum) - 1;
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(i);
    }
    Outcome[] outcomes = new Outcome[n];
    for (List<Integer> round : rounds) {
      completeRound(c, completions, round, now, outcomes);
    }
    return Arrays.asList(outcomes);
  }

  private void completeRound(Connection c, List<Completion> all, List<Integer> round, Instant now, Outcome[] out)
      throws SQLException {
    List<Integer> pending = round;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      Set<UUID> applied = apply(c, all, pending, now);
      List<Integer> rest = new ArrayList<>();
      for (int index : pending) {
        if (applied.contains(all.get(index).id().uuid())) {
          out[index] = Outcome.ok(all.get(index).id());
        } else {
          rest.add(index);
        }
      }
      if (rest.isEmpty()) {
        return;
      }
      pending = classify(c, all, rest, now, out);
      if (!pending.isEmpty() && attempt >= 3) {
        throw new SQLException("the leases of " + pending.size() + " job(s) kept changing while completing them; "
            + "complete them again", "40001");
      }
    }
  }

  /** Runs the completion statement for these items (distinct jobs); returns the ids it applied. */
  private Set<UUID> apply(Connection c, List<Completion> all, List<Integer> items, Instant now) throws SQLException {
    int n = items.size();
    String[] detailsAt = new String[n];
    String[] detailsText = new String[n];
    storedDetailsWithLines(c, all, items, detailsAt, detailsText);
    UUID[] ids = new UUID[n];
    UUID[] tokens = new UUID[n];
    String[] kinds = new String[n];
    String[] results = new String[n];
    String[] runAts = new String[n];
    String[] errors = new String[n];
    String[] reasons = new String[n];
    for (int k = 0; k < n; k++) {
      Completion completion = all.get(items.get(k));
      ids[k] = completion.id().uuid();
      tokens[k] = completion.token().uuid();
      kinds[k] = DriverRules.operation(completion);
      if (completion instanceof Completion.Ack ack) {
        results[k] = ack.result();
      } else if (completion instanceof Completion.Retry retry) {
        runAts[k] = JobRows.iso(retry.runAt());
        errors[k] = retry.error();
      } else if (completion instanceof Completion.Fail fail) {
        reasons[k] = fail.reason();
        errors[k] = fail.error();
      } else if (completion instanceof Completion.Release release) {
        runAts[k] = JobRows.iso(release.runAt());
      }
    }
    NamedSql s = sql.complete;
    Set<UUID> applied = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s)
          .array("ids", c, "uuid", ids)
          .array("tokens", c, "uuid", tokens)
          .array("kinds", c, "text", kinds)
          .array("results", c, "text", results)
          .array("runAts", c, "text", runAts)
          .array("errors", c, "text", errors)
          .array("reasons", c, "text", reasons)
          .array("detailsAt", c, "text", detailsAt)
          .array("detailsText", c, "text", detailsText)
          .instant("now", now)
          .text("channel", channel);
      boolean summary = false;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID id = rs.getObject(1, UUID.class); // by position: this runs for every applied outcome
          if (id == null) {
            summary = true;
          } else {
            applied.add(id);
          }
        }
      }
      if (!summary) {
        throw new SQLException("the completion statement returned no summary row", "XX000");
      }
    }
    return applied;
  }

  /**
   * For the items that add detail lines, the job's whole details log after them ({@link DriverRules#appendDetails} of
   * the stored log), as array literals in {@code at} and {@code text}; null for the others (their log stays). The
   * stored logs are read first, without a lock: the completion statement applies an item only while its lease is
   * the worker's own, and only an applied completion changes a job's log (ending that lease), so a log read while the
   * lease is held is still the stored one when the item applies. Batches without lines read nothing.
   */
  private void storedDetailsWithLines(Connection c, List<Completion> all, List<Integer> items, String[] at,
      String[] text) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    for (int index : items) {
      if (!all.get(index).details().isEmpty()) {
        ids.add(all.get(index).id().uuid());
      }
    }
    if (ids.isEmpty()) {
      return;
    }
    Map<UUID, List<Detail>> stored = new HashMap<>();
    NamedSql s = sql.details;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).array("ids", c, "uuid", ids.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.put(rs.getObject(1, UUID.class), JobRows.details(rs, 2));
        }
      }
    }
    for (int k = 0; k < items.size(); k++) {
      Completion completion = all.get(items.get(k));
      if (completion.details().isEmpty()) {
        continue;
      }
      List<Detail> log = DriverRules.appendDetails(
          stored.getOrDefault(completion.id().uuid(), List.of()), completion.details());
      String[] literals = JobRows.detailsLiterals(log);
      at[k] = literals[0];
      text[k] = literals[1];
    }
  }

  /**
   * Gives each item the completion statement did not apply its outcome, in the validation order (terminal no-op,
   * not found, not inflight, expired, mismatch), from the jobs' current state. Returns the items that would now apply
   * (their lease was extended meanwhile): they go to another round.
   */
  private List<Integer> classify(Connection c, List<Completion> all, List<Integer> items, Instant now,
      Outcome[] out) throws SQLException {
    UUID[] ids = new UUID[items.size()];
    for (int k = 0; k < ids.length; k++) {
      ids[k] = all.get(items.get(k)).id().uuid();
    }
    Map<UUID, LeaseState> states = new HashMap<>();
    NamedSql s = sql.leaseStates;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).array("ids", c, "uuid", ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          states.put(rs.getObject("id", UUID.class), new LeaseState(JobRows.status(rs.getString("status")),
              rs.getObject("lease_token", UUID.class), JobRows.instant(rs, "lease_expires_at")));
        }
      }
    }
    List<Integer> again = new ArrayList<>();
    for (int index : items) {
      Completion completion = all.get(index);
      JobId id = completion.id();
      LeaseState state = states.get(id.uuid());
      if (state != null && DriverRules.isTerminalNoOp(completion, state.status())) {
        out[index] = Outcome.ok(id);
        continue;
      }
      JobStateException refusal = state == null
          ? DriverRules.leaseRefusal(id, null, null, null, completion.token(), now, DriverRules.operation(completion))
          : DriverRules.leaseRefusal(id, state.status(), state.expiresAt(),
              state.token() == null ? null : new LeaseToken(state.token()), completion.token(), now,
              DriverRules.operation(completion));
      if (refusal != null) {
        out[index] = Outcome.refused(refusal);
      } else {
        again.add(index);
      }
    }
    return again;
  }

  private record LeaseState(JobStatus status, @Nullable UUID token, @Nullable Instant expiresAt) {}

  // ------------------------------------------------------------------------------------------------------ reads

  Optional<JobRecord> get(Connection c, JobId id) throws SQLException {
    NamedSql s = sql.get;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).uuid("id", id.uuid());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(JobRows.read(rs)) : Optional.empty();
      }
    }
  }

  Optional<JobRecord> findByIdempotencyKey(Connection c, String queue, String key) throws SQLException {
    NamedSql s = sql.findByKey;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).text("queue", queue).text("key", key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(JobRows.read(rs)) : Optional.empty();
      }
    }
  }

  Page<JobRecord> list(Connection c, JobQuery query) throws SQLException {
    JobId after = query.cursorId();
    NamedSql s = sql.list(after != null, query.queue() != null, query.statuses(), query.type() != null,
        query.leasedBy() != null);
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params p = JobRows.Params.of(ps, s).integer("limit", query.limit() + 1);
      if (after != null) {
        p.uuid("cursor", after.uuid());
      }
      if (query.queue() != null) {
        p.text("queue", query.queue());
      }
      if (query.type() != null) {
        p.text("type", query.type());
      }
      if (query.leasedBy() != null) {
        p.text("leasedBy", query.leasedBy());
      }
      List<JobRecord> items = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(JobRows.read(rs));
        }
      }
      if (items.size() > query.limit()) {
        items = items.subList(0, query.limit());
        return new Page<>(items, items.get(items.size() - 1).id().toString());
      }
      return new Page<>(items, null);
    }
  }

  QueueStats stats(Connection c, String queue, Instant now) throws SQLException {
    NamedSql s = sql.stats;
    long[] counts = new long[JobStatus.values().length];
    long scheduled = 0;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).text("queue", queue).instant("now", now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JobStatus status = JobRows.status(rs.getString("status"));
          counts[status.ordinal()] = rs.getLong("not_scheduled");
          scheduled += rs.getLong("scheduled");
        }
      }
    }
    return QueueStats.builder(queue).ready(counts[JobStatus.READY.ordinal()]).scheduled(scheduled)
        .inflight(counts[JobStatus.INFLIGHT.ordinal()]).done(counts[JobStatus.DONE.ordinal()])
        .dlq(counts[JobStatus.DLQ.ordinal()]).canceled(counts[JobStatus.CANCELED.ordinal()])
        .paused(counts[JobStatus.PAUSED.ordinal()]).build();
  }

  /** The live jobs of every queue by type, in one statement ({@link Statements#liveJobs}). */
  LiveJobs liveJobs(Connection c, Instant now) throws SQLException {
    NamedSql s = sql.liveJobs;
    List<LiveJobs.Group> groups = new ArrayList<>();
    Map<String, Instant> oldestDue = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).instant("now", now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String queue = rs.getString(1);
          groups.add(new LiveJobs.Group(queue, rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
          Instant due = JobRows.instant(rs, 6);
          if (due != null) {
            oldestDue.merge(queue, due, (a, b) -> a.isBefore(b) ? a : b);
          }
        }
      }
    }
    return new LiveJobs(now, groups, oldestDue);
  }

  // ------------------------------------------------------------------------------------------------------ admin

  void requeue(Connection c, JobId id, boolean resetAttempts, Instant now) throws SQLException {
    NamedSql s = sql.requeue;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).uuid("id", id.uuid()).instant("now", now).bool("reset", resetAttempts)
          .text("channel", channel);
      JobStatus status = statusOf(ps, id);
      if (status != JobStatus.DLQ) {
        throw new InvalidJobStatusException(id, status, "requeue", "DLQ");
      }
    }
  }

  void cancel(Connection c, JobId id, Instant now) throws SQLException {
    NamedSql s = sql.cancel;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).uuid("id", id.uuid()).instant("now", now);
      JobStatus status = statusOf(ps, id);
      if (status != JobStatus.READY && status != JobStatus.PAUSED && status != JobStatus.CANCELED) {
        throw new InvalidJobStatusException(id, status, "cancel", "READY or PAUSED");
      }
    }
  }

  void delete(Connection c, JobId id) throws SQLException {
    NamedSql s = sql.delete;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s).uuid("id", id.uuid());
      JobStatus status = statusOf(ps, id);
      if (status == JobStatus.INFLIGHT) {
        throw new InvalidJobStatusException(id, status, "delete", "READY, PAUSED, DONE, DLQ or CANCELED");
      }
    }
  }

  long purge(Connection c, Set<JobStatus> statuses, Instant finishedBefore) throws SQLException {
    NamedSql s = sql.purge;
    try (PreparedStatement ps = c.prepareStatement(s.jdbc())) {
      JobRows.Params.of(ps, s)
          .array("statuses", c, "text", statuses.stream().map(JobRows::stored).toArray(String[]::new))
          .instant("before", finishedBefore);
      return ps.executeLargeUpdate();
    }
  }

  /** Runs a single-job admin statement and returns the job's status before it; unknown id: JobNotFoundException. */
  static JobStatus statusOf(PreparedStatement ps, JobId id) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new JobNotFoundException(id);
      }
      return JobRows.status(rs.getString("status"));
    }
  }

  static long micros(Duration d) {
    return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000);
  }
}
