package io.taskharbor.tck;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.StaleTermException;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.QueueControls;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.Statistics;
import io.taskharbor.tck.StateComparison.JobView;
import io.taskharbor.tck.StateComparison.Refusal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map.Entry;
import java.util.TreeMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs one sequence of {@link Action}s on two drivers side by side, both at the same instants of one {@link
 * TestClock}, and stops at the first step where they disagree: on the step's result, or on the visible state after
 * it (every job, read with {@code list}). Each driver has a {@link Lane} that remembers what that driver returned
 * (ids created, jobs reserved, tokens handed out), so that relative step arguments ("the current token of the job
 * reserved last") resolve per driver, and tokens, random per driver, are compared by which reservation issued them.
 *
 * <p>Coordination steps run only when both drivers offer {@link Coordination} (the live-job count only when both
 * offer {@link Statistics}); otherwise both sides skip them. After each coordination step the runner also compares
 * the coordination state: every node (listed with the timeout {@link Actions#LEASE}) and every lease of {@link
 * Actions#LEASE_NAMES}.
 */
final class SequenceRunner {

  /** The most pages a listing may take before the runner calls it a loop. */
  private static final int MAX_PAGES = 64;

  private SequenceRunner() {}

  /**
   * A disagreement: at step {@code step} (1-based), what each side answered, or how the states differ.
   *
   * @param steps the sequence that was run
   * @param answers the reference's answer to each step before the failing one, in brief
   * @param step the failing step, 1-based
   * @param kind what differed: the step's result, the state after it, or a crash
   * @param subject the subject's answer
   * @param reference the reference's answer
   * @param differences field by field, for a state difference
   */
  record Failure(
      List<Action> steps,
      List<String> answers,
      int step,
      String kind,
      String subject,
      String reference,
      List<String> differences) {

    /** Returns the same failure for a sequence cut after the failing step. */
    Failure truncated() {
      return new Failure(List.copyOf(steps.subList(0, step)), answers, step, kind, subject, reference, differences);
    }

    /** Returns the failure as a report: the steps with the reference's answers, and what differed. */
    String describe(String subjectName, String referenceName) {
      StringBuilder b = new StringBuilder();
      b.append("Driver '").append(subjectName).append("' disagrees with the reference '").append(referenceName)
          .append("' on the ").append(kind).append(" of step ").append(step).append(" of ").append(steps.size())
          .append(".\nSteps (with the reference's answers):\n");
      int width = String.valueOf(steps.size()).length();
      for (int i = 0; i < steps.size(); i++) {
        b.append(i + 1 == step ? "  > " : "    ").append(String.format("%" + width + "d", i + 1)).append(". ")
            .append(steps.get(i));
        if (i < answers.size()) {
          b.append("  ->  ").append(answers.get(i));
        }
        b.append('\n');
      }
      if (differences.isEmpty()) {
        b.append("Subject:   ").append(subject).append('\n');
        b.append("Reference: ").append(reference).append('\n');
      } else {
        b.append("Differences in the state after step ").append(step).append(" (subject vs reference):\n");
        differences.forEach(d -> b.append("    ").append(d).append('\n'));
      }
      return b.append("Job ids: ").append(Actions.legend()).append("\nTimes are relative to T = ")
          .append(TestClock.START).append('.').toString();
    }
  }

  /** Returns an answer in brief, for the step list of a report. */
  static String brief(Object answer) {
    if (answer instanceof JobView v) {
      Map<String, @Nullable Object> f = v.fields();
      return v.id() + " " + f.get("status") + (f.get("leaseToken") == null ? ""
          : " (" + f.get("leaseToken") + " until " + f.get("leaseExpiresAt") + ")");
    }
    if (answer instanceof PageView p) {
      return p.items().stream().map(JobView::id).toList() + (p.nextCursor() == null ? "" : " next " + p.nextCursor());
    }
    if (answer instanceof List<?> l) {
      return l.stream().map(SequenceRunner::brief).toList().toString();
    }
    String text = String.valueOf(answer);
    return text.length() <= 160 ? text : text.substring(0, 157) + "...";
  }

  /** Runs {@code steps} on both drivers (the caller owns them) and returns the first disagreement. */
  static Optional<Failure> run(List<Action> steps, Driver subject, Driver reference) {
    return run(steps, subject, reference, tag -> {});
  }

  /**
   * Runs {@code steps} and reports to {@code coverage} a tag for each notable thing the reference did (a refusal by
   * type, a deduplicated enqueue, a job reaching a status, ...), so a test can check that sequences reach them.
   */
  static Optional<Failure> run(List<Action> steps, Driver subject, Driver reference, Consumer<String> coverage) {
    List<Action> sequence = List.copyOf(steps);
    TestClock clock = new TestClock();
    Lane left = new Lane(subject);
    Lane right = new Lane(reference);
    boolean coordinated = left.coordination != null && right.coordination != null;
    boolean counted = left.statistics != null && right.statistics != null;
    boolean controlled = left.controls != null && right.controls != null;
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < sequence.size(); i++) {
      Action action = sequence.get(i);
      if (action instanceof Action.AdvanceClock advance) {
        answers.add("now " + Actions.instant(clock.advance(advance.step())));
        continue;
      }
      if ((action instanceof Action.CoordinationStep && !coordinated)
          || (action instanceof Action.CountLiveJobs && !counted)
          || (action instanceof Action.ControlStep && !controlled)
          || (action instanceof Action.Complete c && !controlled
              && c.items().stream().anyMatch(Action.CancelRunning.class::isInstance))) {
        answers.add("skipped: a side lacks the extension");
        continue;
      }
      Instant now = clock.instant();
      Object mine;
      Object theirs;
      List<JobView> stateMine;
      List<JobView> stateTheirs;
      try {
        mine = left.perform(action, now);
        theirs = right.perform(action, now);
        if (!Objects.equals(mine, theirs)) {
          return Optional.of(new Failure(sequence, answers, i + 1, "result", String.valueOf(mine),
              String.valueOf(theirs), List.of()));
        }
        stateMine = left.snapshot();
        stateTheirs = right.snapshot();
        if (action instanceof Action.CoordinationStep) {
          List<String> mineCoordinated = left.coordinationState(now);
          List<String> theirsCoordinated = right.coordinationState(now);
          if (!mineCoordinated.equals(theirsCoordinated)) {
            return Optional.of(new Failure(sequence, answers, i + 1, "coordination state",
                String.valueOf(mineCoordinated), String.valueOf(theirsCoordinated),
                lineDiff(mineCoordinated, theirsCoordinated)));
          }
        }
      } catch (RuntimeException | AssertionError | LinkageError e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return Optional.of(new Failure(sequence, answers, i + 1, "run", "crashed: " + trace, "(not reached)",
            List.of()));
      }
      List<String> differences = StateComparison.diff(stateMine, stateTheirs);
      if (!differences.isEmpty()) {
        return Optional.of(new Failure(sequence, answers, i + 1, "state", String.valueOf(stateMine),
            String.valueOf(stateTheirs), differences));
      }
      answers.add(brief(theirs));
      cover(action, theirs, stateTheirs, coverage);
    }
    return Optional.empty();
  }

  /** The lines of two coordination states that differ, subject first. */
  private static List<String> lineDiff(List<String> subject, List<String> reference) {
    List<String> lines = new ArrayList<>();
    for (String l : subject) {
      if (!reference.contains(l)) {
        lines.add("subject only:   " + l);
      }
    }
    for (String r : reference) {
      if (!subject.contains(r)) {
        lines.add("reference only: " + r);
      }
    }
    if (lines.isEmpty()) {
      lines.add("order differs: subject " + subject + ", reference " + reference);
    }
    return lines;
  }

  private static void cover(Action action, Object result, List<JobView> state, Consumer<String> coverage) {
    String kind = action.getClass().getSimpleName();
    coverage.accept("step " + kind);
    List<?> items = result instanceof List<?> l ? l : List.of(result);
    for (Object item : items) {
      if (item instanceof Refusal r) {
        coverage.accept(kind + " " + r.toString().replaceAll("[\\[{(].*", "").trim());
      } else if (item instanceof String s && s.startsWith("ok")) {
        coverage.accept(kind + " ok");
      } else if (item instanceof String s && s.endsWith(" existing")) {
        coverage.accept("enqueue deduplicated by key");
      } else if (item instanceof PageView p && p.nextCursor() != null) {
        coverage.accept("list paged");
      }
    }
    if (action instanceof Action.Reserve && result instanceof List<?> leased && !leased.isEmpty()) {
      coverage.accept("reserve leased " + leased.size());
    }
    if (action instanceof Action.Purge && result instanceof Long n && n > 0) {
      coverage.accept("purge deleted jobs");
    }
    if (action instanceof Action.RecoverOrphans && result instanceof Integer n && n > 0) {
      coverage.accept("recoverOrphans recovered jobs");
    }
    if (action instanceof Action.RemoveDeadNodes && result instanceof Integer n && n > 0) {
      coverage.accept("removeDeadNodes removed nodes");
    }
    if (action instanceof Action.LeaderPurge && result instanceof Long n && n > 0) {
      coverage.accept("leader purge deleted jobs");
    }
    if (action instanceof Action.Heartbeat && Boolean.FALSE.equals(result)) {
      coverage.accept("heartbeat of an unregistered node");
    }
    if (action instanceof Action.Acquire && result instanceof String lease && lease.contains(" term ")
        && !lease.contains(" term 1 ")) {
      coverage.accept("lease passed on with a higher term");
    }
    if (action instanceof Action.Nodes && result instanceof List<?> nodes
        && nodes.stream().anyMatch(n -> String.valueOf(n).endsWith(" dead"))) {
      coverage.accept("a dead node listed");
    }
    for (JobView v : state) {
      coverage.accept("status " + v.fields().get("status"));
      if (ReferenceModel.LAST_ATTEMPT_EXPIRED.equals(v.fields().get("dlqReason"))) {
        coverage.accept("DLQ by expired last attempt");
      }
    }
  }

  /** A driver's {@link QueueControls} and {@link JobControls}, offered together. */
  record Controls(QueueControls queues, JobControls jobs) {
    static @Nullable Controls of(Driver driver) {
      Optional<QueueControls> q = driver.extension(QueueControls.class);
      Optional<JobControls> j = driver.extension(JobControls.class);
      return q.isPresent() && j.isPresent() ? new Controls(q.get(), j.get()) : null;
    }
  }

  /** One page of a listing as compared: the items and where the next page starts. */
  record PageView(List<JobView> items, @Nullable String nextCursor) {}

  /** One driver's side of a run: the driver and what it has returned so far. */
  static final class Lane {
    private final Driver driver;
    final @Nullable Coordination coordination;
    final @Nullable Statistics statistics;
    /** The queue and job controls, when the driver offers both extensions. */
    final @Nullable Controls controls;
    /** The last lease seen per name, and the highest term seen per name (from leases and refusals). */
    private final Map<String, LeaderLease> leases = new HashMap<>();
    private final Map<String, Long> terms = new HashMap<>();
    private final List<JobId> created = new ArrayList<>();
    private final List<JobId> reserved = new ArrayList<>();
    private final Map<JobId, List<LeaseToken>> tokens = new HashMap<>();
    private final Map<LeaseToken, String> tokenNames = new HashMap<>();
    private List<JobRecord> lastState = List.of();

    Lane(Driver driver) {
      this.driver = driver;
      this.coordination = driver.extension(Coordination.class).orElse(null);
      this.statistics = driver.extension(Statistics.class).orElse(null);
      this.controls = Controls.of(driver);
    }

    /** Performs one step and returns what it observed, in a form equal across drivers that agree. */
    Object perform(Action action, Instant now) {
      try {
        return call(action, now);
      } catch (RuntimeException e) {
        if (e instanceof StaleTermException stale) {
          terms.merge(stale.name(), stale.currentTerm(), Math::max);
        }
        return Refusal.of(e);
      }
    }

    private Object call(Action action, Instant now) {
      if (action instanceof Action.Enqueue a) {
        List<NewJob> jobs = new ArrayList<>();
        List<JobId> taken = new ArrayList<>(lastState.stream().map(JobRecord::id).toList());
        for (Action.JobSpec j : a.jobs()) {
          JobId id = j.id() != null ? j.id()
              : Actions.JOB_IDS.stream().filter(c -> !taken.contains(c)).findFirst().orElse(Actions.JOB_IDS.get(0));
          taken.add(id);
          jobs.add(new NewJob(id, j.queue(), j.type(), j.payload(), j.priority(),
              j.runAt() == null ? null : now.plus(j.runAt()), j.key(), j.maxAttempts(), j.timeout()));
        }
        List<String> seen = new ArrayList<>();
        for (EnqueueResult r : driver.enqueue(jobs, now)) {
          if (r.created()) {
            created.add(r.id());
          }
          seen.add(Actions.label(r.id()) + (r.created() ? " created" : " existing"));
        }
        return seen;
      }
      if (action instanceof Action.Reserve a) {
        List<JobView> seen = new ArrayList<>();
        String queue = a.queue() != null ? a.queue()
            : lastState.stream().filter(j -> j.isDue(now)).map(JobRecord::queue).findFirst()
                .orElse(Actions.QUEUES.get(0));
        List<LeasedJob> leased = a.holder() == null ? driver.reserve(queue, a.max(), now, a.lease())
            : driver.reserve(queue, a.max(), now, a.lease(), a.holder());
        for (LeasedJob job : leased) {
          received(job.id(), job.token());
          seen.add(view(job.job()));
        }
        return seen;
      }
      if (action instanceof Action.ExtendLease a) {
        JobId id = resolve(a.job());
        return "expires " + Actions.instant(driver.extendLease(id, token(id, a.token()), now, a.lease()));
      }
      if (action instanceof Action.Complete a) {
        List<Completion> batch = new ArrayList<>();
        for (Action.CompletionSpec c : a.items()) {
          batch.add(completion(c, now));
        }
        List<Object> seen = new ArrayList<>();
        for (Outcome o : driver.complete(batch, now)) {
          seen.add(o.isOk() ? "ok " + Actions.label(o.id()) : Refusal.of(Objects.requireNonNull(o.refusal())));
        }
        return seen;
      }
      if (action instanceof Action.Cancel a) {
        driver.cancel(resolve(a.job()), now);
        return "ok";
      }
      if (action instanceof Action.Requeue a) {
        driver.requeue(resolve(a.job()), a.resetAttempts(), now);
        return "ok";
      }
      if (action instanceof Action.Delete a) {
        driver.delete(resolve(a.job()));
        return "ok";
      }
      if (action instanceof Action.Purge a) {
        return driver.purge(a.statuses(), now.plus(a.finishedBefore()));
      }
      if (action instanceof Action.Get a) {
        return driver.get(resolve(a.job())).map(this::view).map(Object.class::cast).orElse("absent");
      }
      if (action instanceof Action.FindByKey a) {
        return driver.findByIdempotencyKey(a.queue(), a.key()).map(this::view).map(Object.class::cast)
            .orElse("absent");
      }
      if (action instanceof Action.Stats a) {
        return driver.stats(a.queue(), now);
      }
      if (action instanceof Action.ListJobs a) {
        JobQuery.Builder query = JobQuery.builder().limit(a.limit());
        if (a.queue() != null) {
          query.queue(a.queue());
        }
        if (a.type() != null) {
          query.type(a.type());
        }
        query.status(a.statuses().toArray(JobStatus[]::new));
        if (a.leasedBy() != null) {
          query.leasedBy(a.leasedBy());
        }
        String cursor = a.startAfter() == null ? null : a.startAfter().toString();
        List<PageView> pages = new ArrayList<>();
        do {
          Page<JobRecord> page = driver.list(query.cursor(cursor).build());
          cursor = page.nextCursor();
          pages.add(new PageView(page.items().stream().map(this::view).toList(), cursorName(cursor)));
        } while (cursor != null && pages.size() < MAX_PAGES);
        return pages;
      }
      if (action instanceof Action.CountLiveJobs) {
        return liveView(Objects.requireNonNull(statistics).liveJobs(now));
      }
      if (action instanceof Action.CoordinationStep step) {
        return coordinate(step, Objects.requireNonNull(coordination), now);
      }
      if (action instanceof Action.ControlStep step) {
        return control(step, Objects.requireNonNull(controls), now);
      }
      throw new IllegalArgumentException("no interpretation for step " + action);
    }

    private Object control(Action.ControlStep action, Controls c, Instant now) {
      if (action instanceof Action.SetQueue a) {
        return c.queues().update(a.queue(), new QueueSettings(a.paused(), a.limit()), now).toString();
      }
      if (action instanceof Action.Overview) {
        return c.queues().queues(now).stream().map(o -> o.queue() + " " + o.settings() + " " + o.stats() + " valid="
            + o.validLeases()).toList();
      }
      if (action instanceof Action.PauseJob a) {
        c.jobs().pause(resolve(a.job()), now);
      } else if (action instanceof Action.ResumeJob a) {
        c.jobs().resume(resolve(a.job()), now);
      } else {
        c.jobs().requestCancel(resolve(((Action.RequestCancel) action).job()), now);
      }
      return "ok";
    }

    private Object coordinate(Action.CoordinationStep action, Coordination c, Instant now) {
      if (action instanceof Action.Register a) {
        c.register(NodeInfo.builder(a.node(), now.minus(a.startedAgo())).host("host-" + a.node())
            .pid(100 + Actions.NODES.indexOf(a.node())).version("1.0").queues(a.queues()).poolSize(a.poolSize())
            .build(), now);
        return "ok";
      }
      if (action instanceof Action.Heartbeat a) {
        return c.heartbeat(a.node(), now);
      }
      if (action instanceof Action.Deregister a) {
        c.deregister(a.node());
        return "ok";
      }
      if (action instanceof Action.Nodes a) {
        return c.nodes(now, a.timeout()).stream().map(Lane::nodeView).toList();
      }
      if (action instanceof Action.Acquire a) {
        return leaseView(c.acquire(a.name(), node(a.node(), a.name()), now, a.ttl()));
      }
      if (action instanceof Action.Renew a) {
        return leaseView(c.renew(a.name(), node(a.node(), a.name()), term(a.name(), a.term()), now, a.ttl()));
      }
      if (action instanceof Action.Resign a) {
        c.resign(a.name(), node(a.node(), a.name()), term(a.name(), a.term()), now);
        return "ok";
      }
      if (action instanceof Action.Leader a) {
        return c.leader(a.name()).map(this::leaseView).orElse("no lease " + a.name());
      }
      if (action instanceof Action.RecoverOrphans a) {
        return c.recoverOrphans(a.name(), term(a.name(), a.term()), now, a.nodeTimeout());
      }
      if (action instanceof Action.RemoveDeadNodes a) {
        return c.removeDeadNodes(a.name(), term(a.name(), a.term()), now, a.nodeTimeout());
      }
      Action.LeaderPurge a = (Action.LeaderPurge) action;
      return c.purge(a.name(), term(a.name(), a.term()), a.statuses(), now.plus(a.finishedBefore()), now);
    }

    /** The node a step names: {@link Actions#HOLDER} is the holder of the lease as last seen ({@code n1} if none). */
    private String node(String node, String name) {
      if (!Actions.HOLDER.equals(node)) {
        return node;
      }
      LeaderLease seen = leases.get(name);
      return seen != null && seen.holder() != null ? seen.holder() : Actions.NODES.get(0);
    }

    private long term(String name, Action.TermChoice choice) {
      long latest = terms.getOrDefault(name, 0L);
      return switch (choice) {
        case LATEST -> Math.max(1, latest);
        case PREVIOUS -> Math.max(1, latest - 1);
        case NEXT -> latest + 1;
      };
    }

    /** Every node (timeout {@link Actions#LEASE}) and every lease of {@link Actions#LEASE_NAMES}, as text. */
    List<String> coordinationState(Instant now) {
      Coordination c = Objects.requireNonNull(coordination);
      List<String> state = new ArrayList<>();
      c.nodes(now, Actions.LEASE).forEach(n -> state.add(nodeView(n)));
      for (String name : Actions.LEASE_NAMES) {
        state.add(c.leader(name).map(this::leaseView).orElse("no lease " + name));
      }
      return state;
    }

    private static String nodeView(NodeRecord r) {
      NodeInfo n = r.node();
      return n.id() + " host=" + n.host() + " pid=" + n.pid() + " version=" + n.version() + " queues=" + n.queues()
          + " poolSize=" + n.poolSize() + " startedAt=" + Actions.instant(n.startedAt()) + " lastHeartbeat="
          + Actions.instant(r.lastHeartbeat()) + (r.alive() ? " alive" : " dead");
    }

    private String leaseView(LeaderLease lease) {
      leases.put(lease.name(), lease);
      terms.merge(lease.name(), lease.term(), Math::max);
      return lease.name() + (lease.holder() == null ? " resigned" : " held by " + lease.holder()) + " term "
          + lease.term() + " " + (lease.expiresAt() == null ? "no expiry" : "until " + Actions.instant(
              Objects.requireNonNull(lease.expiresAt())));
    }

    private static String liveView(LiveJobs live) {
      StringBuilder b = new StringBuilder("at ").append(Actions.instant(live.at())).append(": ");
      for (LiveJobs.Group g : live.groups()) {
        b.append(g.queue()).append('/').append(g.type()).append(" ready=").append(g.ready()).append(" scheduled=")
            .append(g.scheduled()).append(" inflight=").append(g.inflight()).append("; ");
      }
      b.append("oldestDue ");
      for (Entry<String, Instant> e : new TreeMap<>(live.oldestDue()).entrySet()) {
        b.append(e.getKey()).append('=').append(Actions.instant(e.getValue())).append(' ');
      }
      return b.toString().strip();
    }

    private Completion completion(Action.CompletionSpec c, Instant now) {
      JobId id = resolve(c.job());
      LeaseToken token = token(id, c.token());
      if (c instanceof Action.Ack a) {
        return new Completion.Ack(id, token, a.result());
      }
      if (c instanceof Action.Retry r) {
        return new Completion.Retry(id, token, r.runAt() == null ? null : now.plus(r.runAt()), r.error());
      }
      if (c instanceof Action.Fail f) {
        return new Completion.Fail(id, token, f.reason(), f.error());
      }
      if (c instanceof Action.CancelRunning) {
        return new Completion.Cancel(id, token);
      }
      Action.Release r = (Action.Release) c;
      return new Completion.Release(id, token, r.runAt() == null ? null : now.plus(r.runAt()));
    }

    /** Reads every job, ordered by id, and remembers them for {@link Action.InStatus} references. */
    List<JobView> snapshot() {
      List<JobRecord> all = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        Page<JobRecord> page = driver.list(JobQuery.builder().limit(1000).cursor(cursor).build());
        all.addAll(page.items());
        cursor = page.nextCursor();
      } while (cursor != null && ++pages < MAX_PAGES);
      lastState = all;
      return all.stream().map(this::view).toList();
    }

    private static @Nullable String cursorName(@Nullable String cursor) {
      if (cursor == null) {
        return null;
      }
      try {
        return "after " + Actions.label(JobId.parse(cursor));
      } catch (IllegalArgumentException e) {
        return "cursor '" + cursor + "'";
      }
    }

    private JobView view(JobRecord job) {
      return JobView.of(job, this::tokenName);
    }

    private String tokenName(LeaseToken token) {
      String name = tokenNames.get(token);
      return name != null ? name : "a token reserve never returned";
    }

    private void received(JobId id, LeaseToken token) {
      List<LeaseToken> history = tokens.computeIfAbsent(id, k -> new ArrayList<>());
      history.add(token);
      tokenNames.putIfAbsent(token, Actions.label(id) + " lease#" + history.size());
      reserved.add(id);
    }

    JobId resolve(Action.JobRef ref) {
      if (ref instanceof Action.PoolId p) {
        return p.id();
      }
      if (ref instanceof Action.InStatus s) {
        List<JobId> matching = lastState.stream().filter(j -> j.status() == s.status()).map(JobRecord::id).toList();
        if (!matching.isEmpty()) {
          return matching.get(s.k() % matching.size());
        }
      }
      if (ref instanceof Action.Reserved r && !reserved.isEmpty()) {
        return reserved.get(reserved.size() - 1 - r.k() % reserved.size());
      }
      int k = ref instanceof Action.Created c ? c.k() : ref instanceof Action.Reserved r ? r.k()
          : ((Action.InStatus) ref).k();
      return created.isEmpty() ? Actions.JOB_IDS.get(k % Actions.JOB_IDS.size()) : created.get(k % created.size());
    }

    LeaseToken token(JobId id, Action.TokenChoice choice) {
      List<LeaseToken> history = tokens.getOrDefault(id, List.of());
      switch (choice) {
        case CURRENT -> {
          if (!history.isEmpty()) {
            return history.get(history.size() - 1);
          }
        }
        case STALE -> {
          if (history.size() >= 2) {
            return history.get(history.size() - 2);
          }
        }
        case FOREIGN -> {
          for (int i = reserved.size() - 1; i >= 0; i--) {
            JobId other = reserved.get(i);
            if (!other.equals(id)) {
              List<LeaseToken> theirs = tokens.get(other);
              return theirs.get(theirs.size() - 1);
            }
          }
        }
        case RANDOM -> {
          // drawn below
        }
      }
      return LeaseToken.random();
    }
  }
}
