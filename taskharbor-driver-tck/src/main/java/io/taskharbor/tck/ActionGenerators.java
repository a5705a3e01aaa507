package io.taskharbor.tck;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobStatus;
import io.taskharbor.tck.Action.JobRef;
import io.taskharbor.tck.Action.TokenChoice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The QuickTheories side of the property tests: generators of {@link Action} sequences. Everything else (actions,
 * model, runner, comparison) is plain Java; replacing the property-test library means rewriting this class and the
 * few lines of {@link DifferentialCheck} that drive it.
 *
 * <p>Choices shrink towards the first value listed, so each list starts with the simplest value, and the most common
 * step kinds come first in the frequency tables.
 */
final class ActionGenerators {

  private static final Duration LEASE = Actions.LEASE;
  private static final Duration MICRO = Actions.MICRO;

  private ActionGenerators() {}

  /**
   * Returns sequences of 1 to {@code maxSteps} steps for {@code profile}: up to three enqueues first (so that most
   * sequences have jobs to work on from the start), then steps of every kind.
   */
  static Gen<List<Action>> sequences(DifferentialCheck.Profile profile, int maxSteps) {
    Mix mix = switch (profile) {
      case GENERAL -> general();
      case LEASE_BOUNDARIES -> leaseBoundaries();
      case COORDINATION -> coordination();
      case CONTROLS -> controls();
    };
    int prelude = Math.min(mix.prelude().size(), Math.max(0, maxSteps - 2));
    int setupSteps = Math.min(3, maxSteps - 1 - prelude);
    Gen<List<Action>> setup = lists().of(mix.setup()).ofSizeBetween(0, setupSteps);
    Gen<List<Action>> body = lists().of(mix.step()).ofSizeBetween(1, maxSteps - setupSteps - prelude);
    return setup.zip(body, (first, then) -> {
      List<Action> all = new ArrayList<>(mix.prelude().subList(0, prelude));
      all.addAll(first);
      all.addAll(then);
      return List.copyOf(all);
    });
  }

  /**
   * A profile's step generators: fixed steps every sequence starts with (the failure report's minimizer drops those a
   * failure does not need), the enqueues that open a sequence, and the steps that follow.
   */
  private record Mix(List<Action> prelude, Gen<Action> setup, Gen<Action> step) {
    Mix(Gen<Action> setup, Gen<Action> step) {
      this(List.of(), setup, step);
    }
  }

  // ---------------------------------------------------------------- the general mix

  private static Mix general() {
    Gen<String> queue = pick("q-a", "q-a", "q-a", "q-b", "q-b", "q:c");
    Gen<TokenChoice> token = pick(TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.CURRENT,
        TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.STALE, TokenChoice.STALE, TokenChoice.FOREIGN,
        TokenChoice.RANDOM, TokenChoice.RANDOM);
    Gen<JobRef> ref = jobRef();
    Gen<JobRef> inflight = aimedAt(JobStatus.INFLIGHT, 70, ref);
    Gen<JobRef> dead = aimedAt(JobStatus.DLQ, 50, ref);
    Gen<Action.JobSpec> job = jobSpec(queue, pick(null, null, null, "k1", "k2", "k3"),
        pick(null, null, null, null, Duration.ZERO, Duration.ofSeconds(-1), MICRO, Duration.ofSeconds(3), LEASE),
        pick(0, 0, 0, 0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE), pick(2, 1, 3, 25));
    Gen<Action.CompletionSpec> completion = completion(inflight, token);
    List<JobId> cursors = new ArrayList<>(Arrays.asList(null, null, null));
    cursors.addAll(Actions.JOB_IDS);
    Gen<JobId> startAfter = Generate.pick(cursors);
    Gen<Action> setup = frequency(
        step(7, job.map(j -> new Action.Enqueue(List.of(j)))),
        step(3, lists().of(job).ofSizeBetween(2, 3).map(js -> new Action.Enqueue(js))));
    return new Mix(setup, frequency(
        step(14, job.map(j -> new Action.Enqueue(List.of(j)))),
        step(18, reserve(pick(null, null, "q-a", "q-b", "q:c"), integers().between(1, 3),
            pick(LEASE, LEASE, LEASE, Duration.ofSeconds(3)), pick(null, null, "n1", "n2"))),
        step(10, completion.map(c -> new Action.Complete(List.of(c)))),
        step(9, advance(pick(LEASE, MICRO, LEASE.minus(MICRO), LEASE.plus(MICRO), Duration.ofSeconds(3)))),
        step(3, lists().of(job).ofSizeBetween(2, 3).map(js -> new Action.Enqueue(js))),
        step(2, lists().of(completion).ofSizeBetween(2, 3).map(cs -> new Action.Complete(cs))),
        step(4, in -> new Action.ExtendLease(inflight.generate(in), token.generate(in),
            pick(LEASE, Duration.ofSeconds(3), Duration.ofSeconds(20)).generate(in))),
        step(3, aimedAt(JobStatus.READY, 50, ref).map(r -> new Action.Cancel(r))),
        step(3, in -> new Action.Requeue(dead.generate(in), Generate.booleans().generate(in))),
        step(2, ref.map(r -> new Action.Delete(r))),
        step(2, in -> new Action.Purge(terminalStatuses().generate(in),
            pick(Duration.ZERO, MICRO.negated(), MICRO, LEASE.negated()).generate(in))),
        step(2, ref.map(r -> new Action.Get(r))),
        step(2, in -> new Action.ListJobs(pick(null, "q-a", "q-b").generate(in), statusFilter().generate(in),
            pick(null, "t1").generate(in), pick(1000, 1, 1, 2, 2, 3).generate(in),
            startAfter.generate(in), pick(null, null, null, "n1", "n2").generate(in))),
        step(2, queue.map(q -> new Action.Stats(q))),
        step(2, in -> new Action.FindByKey(queue.generate(in), pick("k1", "k2", "k3").generate(in)))));
  }

  private static Gen<JobRef> jobRef() {
    return frequency(
        Pair.of(30, Generate.constant(() -> (JobRef) new Action.Reserved(0))),
        Pair.of(20, integers().between(1, 2).map(k -> (JobRef) new Action.Reserved(k))),
        Pair.of(35, integers().between(0, 7).map(k -> (JobRef) new Action.Created(k))),
        Pair.of(15, Generate.pick(Actions.JOB_IDS).map(id -> (JobRef) new Action.PoolId(id))));
  }

  /** {@code percent}% of the time a job that had {@code status} after the previous step, else {@code otherwise}. */
  private static Gen<JobRef> aimedAt(JobStatus status, int percent, Gen<JobRef> otherwise) {
    return frequency(
        Pair.of(100 - percent, otherwise),
        Pair.of(percent * 4 / 5, Generate.constant(() -> (JobRef) new Action.InStatus(status, 0))),
        Pair.of(percent / 5, integers().between(1, 2).map(k -> (JobRef) new Action.InStatus(status, k))));
  }

  private static Gen<Action.JobSpec> jobSpec(
      Gen<String> queue, Gen<String> key, Gen<Duration> runAt, Gen<Integer> priority, Gen<Integer> maxAttempts) {
    Gen<JobId> id = frequency(
        Pair.of(6, Generate.constant(() -> (JobId) null)),
        Pair.of(4, Generate.pick(Actions.JOB_IDS)));
    Gen<String> type = pick(Actions.TYPES.toArray(String[]::new));
    Gen<String> payload = pick(Actions.PAYLOADS.toArray(String[]::new));
    Gen<Duration> timeout = pick(null, null, null, Duration.ofSeconds(30));
    return in -> new Action.JobSpec(id.generate(in), queue.generate(in), type.generate(in),
        payload.generate(in), priority.generate(in), runAt.generate(in), key.generate(in), maxAttempts.generate(in),
        timeout.generate(in));
  }

  private static Gen<Action.CompletionSpec> completion(Gen<JobRef> ref, Gen<TokenChoice> token) {
    Gen<Duration> retryAt = pick(null, null, MICRO, LEASE, Duration.ofSeconds(-1));
    Gen<String> error = pick(null, "boom", "é😀 failed");
    return frequency(
        done(35, in -> new Action.Ack(ref.generate(in), token.generate(in),
            pick(null, "{\"ok\":true}", "null", "[1, 2.50]").generate(in))),
        done(25, in -> new Action.Retry(ref.generate(in), token.generate(in), retryAt.generate(in),
            error.generate(in))),
        done(20, in -> new Action.Fail(ref.generate(in), token.generate(in),
            pick("gave up", "permanent").generate(in), error.generate(in))),
        done(20, in -> new Action.Release(ref.generate(in), token.generate(in),
            pick(null, LEASE).generate(in))));
  }

  private static Gen<Action> reserve(Gen<String> queue, Gen<Integer> max, Gen<Duration> lease) {
    return in -> new Action.Reserve(queue.generate(in), max.generate(in), lease.generate(in));
  }

  private static Gen<Action> reserve(Gen<String> queue, Gen<Integer> max, Gen<Duration> lease, Gen<String> holder) {
    return in -> new Action.Reserve(queue.generate(in), max.generate(in), lease.generate(in), holder.generate(in));
  }

  private static Gen<Action> advance(Gen<Duration> step) {
    return step.map(d -> (Action) new Action.AdvanceClock(d));
  }

  private static Gen<Set<JobStatus>> terminalStatuses() {
    List<JobStatus> terminal = List.of(JobStatus.DONE, JobStatus.DLQ, JobStatus.CANCELED);
    return integers().between(1, 7).map(bits -> {
      Set<JobStatus> set = EnumSet.noneOf(JobStatus.class);
      for (int i = 0; i < terminal.size(); i++) {
        if ((bits & (1 << i)) != 0) {
          set.add(terminal.get(i));
        }
      }
      return set;
    });
  }

  private static Gen<Set<JobStatus>> statusFilter() {
    return frequency(
        Pair.of(1, Generate.constant(() -> (Set<JobStatus>) EnumSet.noneOf(JobStatus.class))),
        Pair.of(1, lists().of(Generate.enumValues(JobStatus.class)).ofSizeBetween(1, 2)
            .map(l -> (Set<JobStatus>) EnumSet.copyOf(l))));
  }

  // ---------------------------------------------------------------- lease boundaries

  private static Mix leaseBoundaries() {
    Gen<String> queue = Generate.constant("q-a");
    Gen<TokenChoice> token = pick(TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.CURRENT,
        TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.STALE,
        TokenChoice.STALE, TokenChoice.RANDOM);
    Gen<JobRef> ref = aimedAt(JobStatus.INFLIGHT, 60, frequency(
        Pair.of(70, integers().between(0, 1).map(k -> (JobRef) new Action.Reserved(k))),
        Pair.of(30, integers().between(0, 3).map(k -> (JobRef) new Action.Created(k)))));
    Gen<Action.JobSpec> job = jobSpec(queue, Generate.constant((String) null),
        pick(null, null, Duration.ZERO, MICRO, LEASE), pick(0, 0, 1), pick(2, 1, 3));
    Gen<Action> enqueue = job.map(j -> new Action.Enqueue(List.of(j)));
    return new Mix(enqueue, frequency(
        step(12, advance(pick(LEASE, MICRO, LEASE.minus(MICRO), LEASE.plus(MICRO)))),
        step(10, enqueue),
        step(10, reserve(queue, integers().between(1, 2), Generate.constant(LEASE))),
        step(12, completion(ref, token).map(c -> new Action.Complete(List.of(c)))),
        step(6, in -> new Action.ExtendLease(ref.generate(in), token.generate(in),
            pick(LEASE, MICRO, LEASE.plus(LEASE)).generate(in))),
        step(2, queue.map(q -> new Action.Stats(q))),
        step(2, ref.map(r -> new Action.Get(r)))));
  }

  // ---------------------------------------------------------------- coordination

  /**
   * Nodes, leaders and the leader's duties among jobs reserved by those nodes: small pools (three nodes, two lease
   * names, terms latest / previous / next), clock steps around the lease, the node timeouts and the ttls (all
   * {@link Actions#LEASE} or 3 s, give or take 1µs), so that leases lapse, nodes die, terms go stale and orphans are
   * recovered in most sequences.
   */
  private static Mix coordination() {
    Duration three = Duration.ofSeconds(3);
    Gen<String> queue = pick("q-a", "q-a", "q-b");
    Gen<String> node = pick("n1", "n1", "n2", "n3");
    Gen<String> candidate = pick(Actions.HOLDER, Actions.HOLDER, Actions.HOLDER, "n1", "n2", "n3");
    Gen<String> name = pick("main", "main", "main", "other");
    Gen<Action.TermChoice> term = pick(Action.TermChoice.LATEST, Action.TermChoice.LATEST,
        Action.TermChoice.LATEST, Action.TermChoice.LATEST, Action.TermChoice.LATEST, Action.TermChoice.PREVIOUS,
        Action.TermChoice.NEXT);
    Gen<Duration> ttl = pick(LEASE.plus(LEASE), LEASE, three, LEASE.plus(MICRO));
    Gen<Duration> nodeTimeout = pick(three, three, LEASE, three.plus(MICRO), LEASE.minus(MICRO));
    Gen<TokenChoice> token = pick(TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.CURRENT,
        TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.STALE, TokenChoice.RANDOM);
    Gen<JobRef> ref = aimedAt(JobStatus.INFLIGHT, 60, frequency(
        Pair.of(70, integers().between(0, 1).map(k -> (JobRef) new Action.Reserved(k))),
        Pair.of(30, integers().between(0, 3).map(k -> (JobRef) new Action.Created(k)))));
    Gen<Action.JobSpec> job = jobSpec(queue, Generate.constant((String) null),
        pick(null, null, null, Duration.ZERO, LEASE), pick(0, 0, 1), pick(2, 1, 3, 25));
    Gen<Action> enqueue = job.map(j -> new Action.Enqueue(List.of(j)));
    Gen<Action> register = in -> new Action.Register(node.generate(in),
        pick(List.of("q-a"), List.of("q-a", "q-b"), List.<String>of()).generate(in), pick(4, 1, 0).generate(in),
        pick(Duration.ZERO, Duration.ofHours(1)).generate(in));
    Gen<Action> acquire = in -> new Action.Acquire(name.generate(in),
        pick("n1", "n2", "n3", Actions.HOLDER).generate(in), ttl.generate(in));
    List<Action> prelude = List.of(new Action.Register("n1", List.of("q-a", "q-b"), 4, Duration.ZERO),
        new Action.Register("n2", List.of("q-a"), 4, Duration.ZERO), new Action.Acquire("main", "n1", LEASE.plus(LEASE)),
        new Action.Enqueue(List.of(new Action.JobSpec(null, "q-a", "t1", "{}", 0, null, null, 3, null))),
        new Action.Reserve("q-a", 1, LEASE, "n2"));
    return new Mix(prelude, frequency(step(4, enqueue), step(1, register), step(1, acquire)), frequency(
        step(14, advance(pick(three, three, three, MICRO, three.minus(MICRO), LEASE, LEASE.minus(MICRO),
            LEASE.plus(MICRO)))),
        step(8, enqueue),
        step(12, reserve(queue, integers().between(1, 2), pick(LEASE, LEASE, three),
            pick("n1", "n1", "n2", "n2", "n3", null))),
        step(7, completion(ref, token).map(c -> new Action.Complete(List.of(c)))),
        step(2, in -> new Action.ExtendLease(ref.generate(in), token.generate(in), LEASE)),
        step(3, register),
        step(4, node.map(n -> new Action.Heartbeat(n))),
        step(2, node.map(n -> new Action.Deregister(n))),
        step(7, acquire),
        step(7, in -> new Action.Renew(name.generate(in), candidate.generate(in), term.generate(in),
            ttl.generate(in))),
        step(2, in -> new Action.Resign(name.generate(in), candidate.generate(in), term.generate(in))),
        step(9, in -> new Action.RecoverOrphans(name.generate(in), term.generate(in), nodeTimeout.generate(in))),
        step(3, in -> new Action.RemoveDeadNodes(name.generate(in), term.generate(in), nodeTimeout.generate(in))),
        step(3, in -> new Action.LeaderPurge(name.generate(in), term.generate(in), terminalStatuses().generate(in),
            pick(MICRO, Duration.ZERO, LEASE.negated()).generate(in))),
        step(2, nodeTimeout.map(t -> new Action.Nodes(t))),
        step(1, name.map(n -> new Action.Leader(n))),
        step(3, Generate.constant(() -> (Action) new Action.CountLiveJobs())),
        step(2, in -> new Action.ListJobs(null, statusFilter().generate(in), null, 1000, null,
            node.generate(in)))));
  }

  // ---------------------------------------------------------------- queue and job controls

  /**
   * Queue settings (paused, limits 1 and 2, none) and job controls (pause, resume, cancel requests aimed at READY,
   * PAUSED and INFLIGHT jobs) among enqueues, reservations, completions (the cancel completion included) and lease
   * extensions (which tell a holder of a cancel request), with clock steps around the lease, so that limits fill up,
   * leases expire and abandoned cancel requests are swept.
   */
  private static Mix controls() {
    Gen<String> queue = pick("q-a", "q-a", "q-b");
    Gen<TokenChoice> token = pick(TokenChoice.CURRENT, TokenChoice.CURRENT, TokenChoice.CURRENT,
        TokenChoice.CURRENT, TokenChoice.STALE, TokenChoice.RANDOM);
    Gen<JobRef> ref = aimedAt(JobStatus.INFLIGHT, 40, frequency(
        Pair.of(60, integers().between(0, 1).map(k -> (JobRef) new Action.Reserved(k))),
        Pair.of(40, integers().between(0, 4).map(k -> (JobRef) new Action.Created(k)))));
    Gen<JobRef> ready = aimedAt(JobStatus.READY, 60, ref);
    Gen<JobRef> paused = aimedAt(JobStatus.PAUSED, 70, ref);
    Gen<JobRef> dead = aimedAt(JobStatus.DLQ, 60, ref);
    Gen<Action.JobSpec> job = jobSpec(queue, Generate.constant((String) null),
        pick(null, null, null, MICRO, LEASE), pick(0, 0, 1), pick(2, 1, 3));
    Gen<Action> enqueue = job.map(j -> new Action.Enqueue(List.of(j)));
    Gen<Action.CompletionSpec> completion = frequency(
        Pair.of(75, completion(ref, token)),
        Pair.of(25, in -> new Action.CancelRunning(ref.generate(in), token.generate(in))));
    Gen<Action> setQueue = in -> new Action.SetQueue(queue.generate(in), pick(false, false, true).generate(in),
        pick(null, 1, 2).generate(in));
    return new Mix(frequency(step(3, enqueue), step(1, setQueue)), frequency(
        step(12, enqueue),
        step(14, reserve(queue, integers().between(1, 3), pick(LEASE, LEASE, Duration.ofSeconds(3)))),
        step(10, completion.map(c -> new Action.Complete(List.of(c)))),
        step(8, advance(pick(LEASE, MICRO, LEASE.minus(MICRO), LEASE.plus(MICRO), Duration.ofSeconds(3)))),
        step(6, setQueue),
        step(5, ready.map(r -> new Action.PauseJob(r))),
        step(5, paused.map(r -> new Action.ResumeJob(r))),
        step(6, aimedAt(JobStatus.INFLIGHT, 60, ref).map(r -> new Action.RequestCancel(r))),
        step(5, in -> new Action.ExtendLease(aimedAt(JobStatus.INFLIGHT, 80, ref).generate(in), token.generate(in),
            LEASE)),
        step(2, ready.map(r -> new Action.Cancel(r))),
        step(2, in -> new Action.Requeue(dead.generate(in), true)),
        step(2, ref.map(r -> new Action.Delete(r))),
        step(2, Generate.constant(() -> (Action) new Action.Overview())),
        step(2, queue.map(q -> new Action.Stats(q)))));
  }

  // ---------------------------------------------------------------- helpers

  /** Picks one of {@code values} (nulls allowed), shrinking towards the first. */
  @SafeVarargs
  private static <T> Gen<T> pick(T... values) {
    List<T> list = new ArrayList<>();
    for (T value : values) {
      list.add(value);
    }
    return Generate.pick(list);
  }

  @SafeVarargs
  private static <T> Gen<T> frequency(Pair<Integer, Gen<T>>... weighted) {
    List<Pair<Integer, Gen<T>>> list = new ArrayList<>();
    for (Pair<Integer, Gen<T>> w : weighted) {
      list.add(w);
    }
    return Generate.frequency(list);
  }

  /** A weighted step generator; typed so that lambdas need no casts. */
  private static Pair<Integer, Gen<Action>> step(int weight, Gen<Action> gen) {
    return Pair.of(weight, gen);
  }

  /** A weighted completion generator. */
  private static Pair<Integer, Gen<Action.CompletionSpec>> done(int weight, Gen<Action.CompletionSpec> gen) {
    return Pair.of(weight, gen);
  }
}
