package io.taskharbor.tck;

import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Broken on purpose (details log): it applies every completion but drops its details, as a driver written before the
 * details log.
 */
final class DropsDetailsDriver extends ForwardingDriver {

  @Override
  public List<Outcome> complete(List<Completion> completions, Instant now) {
    if (completions == null || completions.stream().anyMatch(Objects::isNull)) {
      return super.complete(completions, now);
    }
    return super.complete(completions.stream().map(DropsDetailsDriver::withoutDetails).toList(), now);
  }

  private static Completion withoutDetails(Completion c) {
    if (c instanceof Completion.Ack a) {
      return new Completion.Ack(a.id(), a.token(), a.result());
    }
    if (c instanceof Completion.Retry r) {
      return new Completion.Retry(r.id(), r.token(), r.runAt(), r.error());
    }
    if (c instanceof Completion.Fail f) {
      return new Completion.Fail(f.id(), f.token(), f.reason(), f.error());
    }
    if (c instanceof Completion.Release r) {
      return new Completion.Release(r.id(), r.token(), r.runAt());
    }
    return new Completion.Cancel(c.id(), c.token());
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new DropsDetailsDriver();
    }
  }
}
