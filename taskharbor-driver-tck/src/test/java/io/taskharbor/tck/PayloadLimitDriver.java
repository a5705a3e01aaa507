package io.taskharbor.tck;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.support.Validation;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The reference model with a payload limit, applied as every shipped driver applies it: {@link
 * Validation#payloadSize} on every payload of a batch before enqueue stores any, and on every ack result before
 * complete applies any. Not broken: it shows that the payload-limit group passes on a driver that keeps the rules.
 */
class PayloadLimitDriver extends ForwardingDriver {

  /** The limit the TCK classes below declare: small, so that the group runs fast, yet over ENQ-10's largest payload. */
  static final int LIMIT = 256 * 1024;

  @Override
  public List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    if (jobs != null && jobs.stream().allMatch(Objects::nonNull)) {
      jobs.forEach(j -> check(j.payload(), "payload", j.id()));
    }
    return super.enqueue(jobs, now);
  }

  @Override
  public List<Outcome> complete(List<Completion> completions, Instant now) {
    if (completions != null && completions.stream().allMatch(Objects::nonNull)) {
      for (Completion c : completions) {
        if (c instanceof Completion.Ack ack && ack.result() != null) {
          check(ack.result(), "result", ack.id());
        }
      }
    }
    return super.complete(completions, now);
  }

  /** Refuses {@code json} if it is over {@link #LIMIT}, in UTF-8 bytes. */
  void check(String json, String field, JobId id) {
    if (Validation.utf8Length(json) > LIMIT) {
      throw new IllegalArgumentException(field + " of job " + id + " is over the limit of " + LIMIT + " bytes");
    }
  }

  /** The TCK against this driver, declaring its limit. */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new PayloadLimitDriver();
    }

    @Override
    protected OptionalInt maxPayloadBytes() {
      return OptionalInt.of(LIMIT);
    }
  }
}
