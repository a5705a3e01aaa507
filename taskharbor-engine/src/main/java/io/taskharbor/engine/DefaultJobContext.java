package io.taskharbor.engine;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.engine.internal.RunningJob;
import io.taskharbor.spi.support.Validation;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link JobContext} the worker hands to a handler. */
final class DefaultJobContext<P> implements JobContext<P> {
  private static final Logger JOB_LOG = LoggerFactory.getLogger("io.taskharbor.job");

  private final RunningJob job;
  private final P payload;
  private final InstantSource clock;
  private @Nullable Object result;

  DefaultJobContext(RunningJob job, P payload, InstantSource clock) {
    this.job = job;
    this.payload = payload;
    this.clock = clock;
  }

  @Override
  public void log(String line) {
    String text = Validation.text(Objects.requireNonNull(line, "line must not be null"), "line");
    if (text.length() > Detail.MAX_LINE_LENGTH) {
      text = text.substring(0, Detail.MAX_LINE_LENGTH - 1) + "…";
    }
    job.log(new Detail(clock.instant(), text));
  }

  @Override
  public JobId id() {
    return job.record().id();
  }

  @Override
  public String type() {
    return job.record().type();
  }

  @Override
  public String queue() {
    return job.record().queue();
  }

  @Override
  public int attempt() {
    return job.record().attempts();
  }

  @Override
  public int maxAttempts() {
    return job.record().maxAttempts();
  }

  @Override
  public P payload() {
    return payload;
  }

  @Override
  public JobRecord record() {
    return job.record();
  }

  @Override
  public Instant leaseExpiresAt() {
    return job.leaseExpiresAt();
  }

  @Override
  public boolean isCancelled() {
    return job.isCancelled();
  }

  @Override
  public void setResult(@Nullable Object result) {
    this.result = result;
  }

  @Nullable Object result() {
    return result;
  }

  @Override
  public Logger logger() {
    return JOB_LOG;
  }

  @Override
  public String toString() {
    return "JobContext[" + type() + " " + id() + " attempt " + attempt() + "]";
  }
}
