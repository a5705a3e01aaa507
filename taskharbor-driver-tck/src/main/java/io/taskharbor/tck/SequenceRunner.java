package io.taskharbor.tck;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.tck.StateComparison.JobView;
import io.taskharbor.tck.StateComparison.Refusal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
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
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < sequence.size(); i++) {
      Action action = sequence.get(i);
      if (action instanceof Action.AdvanceClock advance) {
        answers.add("now " + Actions.instant(clock.advance(advance.step())));
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
    for (JobView v : state) {
      coverage.accept("status " + v.fields().get("status"));
      if (ReferenceModel.LAST_ATTEMPT_EXPIRED.equals(v.fields().get("dlqReason"))) {
        coverage.accept("DLQ by expired last attempt");
      }
    }
  }

  /** One page of a listing as compared: the items and where the next page starts. */
  record PageView(List<JobView> items, @Nullable String nextCursor) {}

  /** One driver's side of a run: the driver and what it has returned so far. */
  static final class Lane {
    private final Driver driver;
    private final List<JobId> created = new ArrayList<>();
    private final List<JobId> reserved = new ArrayList<>();
    private final Map<JobId, List<LeaseToken>> tokens = new HashMap<>();
    private final Map<LeaseToken, String> tokenNames = new HashMap<>();
    private List<JobRecord> lastState = List.of();

    Lane(Driver driver) {
      this.driver = driver;
    }

    /** Performs one step and returns what it observed, in a form equal across drivers that agree. */
    Object perform(Action action, Instant now) {
      try {
        return call(action, now);
      } catch (RuntimeException e) {
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
        for (LeasedJob job : driver.reserve(queue, a.max(), now, a.lease())) {
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
        String cursor = a.startAfter() == null ? null : a.startAfter().toString();
        List<PageView> pages = new ArrayList<>();
        do {
          Page<JobRecord> page = driver.list(query.cursor(cursor).build());
          cursor = page.nextCursor();
          pages.add(new PageView(page.items().stream().map(this::view).toList(), cursorName(cursor)));
        } while (cursor != null && pages.size() < MAX_PAGES);
        return pages;
      }
      throw new IllegalArgumentException("no interpretation for step " + action);
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
