package io.taskharbor.engine.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** How one execution of a job ended, as the {@link OutcomePolicy} sees it. */
public sealed interface Execution {

  /** The handler returned; {@code result} is its result as JSON, or null. */
  record Returned(@Nullable String result) implements Execution {}

  /** The handler threw an ordinary error (or its result could not be encoded): a failed attempt. */
  record Threw(Throwable error) implements Execution {
    public Threw {
      Objects.requireNonNull(error, "error");
    }
  }

  /** The handler asked to run again after {@code delay}: not a failure. */
  record Snoozed(Duration delay) implements Execution {
    public Snoozed {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /** The handler said retrying cannot help: {@code reason} is the DLQ reason. */
  record Permanent(String reason, Throwable error) implements Execution {
    public Permanent {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(error, "error");
    }
  }

  /** The job's timeout passed before the handler returned. */
  record TimedOut(Duration timeout) implements Execution {
    public TimedOut {
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /** The job cannot run here and never will: no handler for its type, or a payload that cannot be decoded. */
  record Unrunnable(String reason, @Nullable Throwable error) implements Execution {
    public Unrunnable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The worker gives the job back at shutdown, unfinished or unstarted. */
  record Abandoned() implements Execution {}

  /** An administrator asked to cancel the job while it ran, and the worker stopped it. */
  record Canceled() implements Execution {}
}
