package io.taskharbor.engine;

import io.taskharbor.api.JobRecord;
import io.taskharbor.engine.Worker.Registration;
import io.taskharbor.engine.internal.Execution;
import io.taskharbor.engine.internal.JobExecutor;
import io.taskharbor.engine.internal.RunningJob;
import java.time.InstantSource;
import java.util.Map;

/**
 * Runs a job through the handler registered for its type: decodes the payload with the codec, calls the handler with
 * its context, encodes the result, and says how it ended. The runtime sees only the {@link Execution}.
 */
final class HandlerInvoker implements JobExecutor {
  private final String worker;
  private final Map<String, Registration<?>> handlers;
  private final PayloadCodec codec;
  private final InstantSource clock;

  HandlerInvoker(String worker, Map<String, Registration<?>> handlers, PayloadCodec codec, InstantSource clock) {
    this.worker = worker;
    this.handlers = Map.copyOf(handlers);
    this.codec = codec;
    this.clock = clock;
  }

  @Override
  public Execution execute(RunningJob job) {
    JobRecord record = job.record();
    Registration<?> registration = handlers.get(record.type());
    if (registration == null) {
      return new Execution.Unrunnable("no handler for job type '" + record.type() + "' in worker " + worker
          + " (types: " + handlers.keySet() + "); register one with Worker.Builder.handle", null);
    }
    return invoke(job, registration);
  }

  private <P> Execution invoke(RunningJob job, Registration<P> registration) {
    JobRecord record = job.record();
    P payload;
    try {
      payload = codec.decode(record.payload(), registration.payloadType());
    } catch (Exception e) {
      return new Execution.Unrunnable("payload cannot be decoded into " + registration.payloadType().getName() + ": "
          + e.getMessage(), e);
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Error error) {
      // Not the payload's fault (a class that fails to load, say): another attempt, maybe elsewhere, may succeed.
      return new Execution.Threw(error);
    }
    DefaultJobContext<P> context = new DefaultJobContext<>(job, payload, clock);
    try {
      registration.handler().handle(context);
    } catch (Snooze snooze) {
      return new Execution.Snoozed(snooze.delay());
    } catch (PermanentFailure permanent) {
      return new Execution.Permanent(String.valueOf(permanent.getMessage()), permanent);
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable error) {
      if (job.cancelReason() == RunningJob.CancelReason.SHUTDOWN) {
        return new Execution.Abandoned();
      }
      if (job.cancelReason() == RunningJob.CancelReason.CANCELED) {
        return new Execution.Canceled();
      }
      return new Execution.Threw(error);
    }
    Object result = context.result();
    if (result == null) {
      return new Execution.Returned(null);
    }
    try {
      return new Execution.Returned(Payloads.encode(codec, result, "result", record.type()));
    } catch (IllegalArgumentException e) {
      return new Execution.Threw(e);
    }
  }
}
