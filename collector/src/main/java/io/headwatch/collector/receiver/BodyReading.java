package io.headwatch.collector.receiver;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads one request body without holding a thread while the client is slow: chunks are taken as
 * they arrive (Jetty calls back when more is there), bounded by max-body-bytes, by the receive
 * budget, and by a total deadline (body-timeout) that no trickle of bytes can extend. Exactly one
 * of the outcomes is reported.
 */
final class BodyReading implements Runnable {
  /** What becomes of the body. */
  interface Outcome {
    void body(byte[] raw);

    void refused(OtlpDecoder.Refused refused);
  }

  private final Request request;
  private final long max;
  private final long deadlineMillis;
  private final MemoryBudget.Lease lease;
  private final Outcome outcome;
  private final AtomicBoolean finished = new AtomicBoolean();
  private ChargedBuffer buffer;
  private long discarded;
  private boolean tooLarge;
  private Scheduler.Task deadline;

  private BodyReading(
      Request request, long max, long deadlineMillis, MemoryBudget.Lease lease, Outcome outcome) {
    this.request = request;
    this.max = max;
    this.deadlineMillis = deadlineMillis;
    this.lease = lease;
    this.outcome = outcome;
  }

  /**
   * Starts reading. A body declared or found larger than {@code max} is refused with 413 after up
   * to another {@code max} bytes are read and dropped, so that a client still sending it can read
   * the answer.
   */
  static void start(
      Request request, long max, long deadlineMillis, MemoryBudget.Lease lease, Outcome outcome) {
    BodyReading r = new BodyReading(request, max, deadlineMillis, lease, outcome);
    long declared = request.getLength();
    if (declared > max) {
      r.tooLarge = true;
    } else {
      int initial = (int) (declared >= 0 ? Math.max(declared, 1) : 16 * 1024);
      r.buffer = ChargedBuffer.allocate(lease, initial);
      if (r.buffer == null) {
        r.finish(null, OtlpDecoder.overBudget());
        return;
      }
    }
    r.deadline =
        request
            .getComponents()
            .getScheduler()
            .schedule(r::expire, deadlineMillis, TimeUnit.MILLISECONDS);
    r.run();
  }

  @Override
  public void run() {
    while (!finished.get()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        Throwable failure = chunk.getFailure();
        finish(
            null,
            new OtlpDecoder.Refused(
                400,
                RpcStatus.INVALID_ARGUMENT,
                "malformed",
                "unreadable body: " + (failure == null ? "failed" : failure.getMessage())));
        return;
      }
      boolean last = chunk.isLast();
      try {
        int n = chunk.getByteBuffer().remaining();
        if (!tooLarge && buffer.length() + (long) n > max) {
          tooLarge = true;
          buffer = null; // what was read is dropped from here on
        }
        if (tooLarge) {
          discarded += n;
        } else if (!buffer.append(chunk.getByteBuffer())) {
          finish(null, OtlpDecoder.overBudget());
          return;
        }
      } finally {
        chunk.release();
      }
      if (tooLarge && (last || discarded > max)) {
        finish(
            null,
            new OtlpDecoder.Refused(
                413,
                RpcStatus.RESOURCE_EXHAUSTED,
                "too_large",
                "body exceeds " + max + " bytes (max-body-bytes)"));
        return;
      }
      if (last) {
        finish(buffer.toArray(), null);
        return;
      }
    }
  }

  private void expire() {
    finish(
        null,
        new OtlpDecoder.Refused(
            408,
            RpcStatus.DEADLINE_EXCEEDED,
            "body_timeout",
            "the body did not arrive within body-timeout (" + deadlineMillis + " ms)"));
  }

  private void finish(byte[] raw, OtlpDecoder.Refused refused) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    if (deadline != null) {
      deadline.cancel();
    }
    if (refused != null) {
      outcome.refused(refused);
    } else {
      outcome.body(raw);
    }
  }
}
