package io.headwatch.agent.pipeline;

import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.PendingCapture;
import io.headwatch.agent.export.AttentionMapRecords;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.SnapshotRecords;
import io.headwatch.agent.stats.SequenceStatistics;
import io.headwatch.agent.util.AgentLog;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one path from a sampled inference's capture to its statistics, metrics and snapshots, for
 * every engine: a queue bounded by count and by bytes, and one daemon worker that resolves each
 * capture, reduces it ({@link CaptureReducer}), records its metrics and emits a snapshot record per
 * kept sequence. When the queue is full the caller drops the capture and counts it: the application
 * never waits (the template is the OpenTelemetry SDK's batch processor).
 *
 * <p>Two lines share the bounds: captures whose tensors are in hand (cheap to reduce, heavy in
 * bytes) and captures that still have to run a model on copied inputs (re-runs while a capture
 * session is prepared or verified, spot checks: slow, light). The worker takes the first kind
 * first. In one queue, the tensors of served captures piled up behind the re-runs queued while the
 * capture session was being prepared (each a whole inference on a busy machine) until the byte
 * bound dropped them; taken first, each costs about a millisecond and the re-runs fill the gaps
 * between them.
 *
 * <p>Costs go to each model's sampler, so that its budget sees them: the time to resolve a capture
 * (re-running a model on copied inputs) as the capture run, the rest as statistics.
 */
public final class CapturePipeline {
  /** Why a capture was not queued (the {@code headwatch.reason} of the dropped counter). */
  public static final String QUEUE_FULL = "queue_full";

  public static final String SHUTDOWN = "shutdown";

  private final Queue<PendingCapture> inHand = new ConcurrentLinkedQueue<>();
  private final Queue<PendingCapture> toRun = new ConcurrentLinkedQueue<>();
  // One permit per queued capture: the worker waits on it for either line.
  private final Semaphore queued = new Semaphore(0);
  private final int capacity;
  private final AtomicInteger queuedCount = new AtomicInteger();
  private final long maxBytes;
  private final AtomicLong queuedBytes = new AtomicLong();
  // The most ever waiting, for the debug line at exit: how close a run came to the bounds.
  private final AtomicInteger peakCount = new AtomicInteger();
  private final AtomicLong peakBytes = new AtomicLong();
  private final CaptureReducer reducer;
  private final Thread worker;
  private final Object idle = new Object();
  private volatile boolean closing;
  private volatile boolean busy;

  /** What decides which sequences send their attention maps, and how. */
  public record MapSettings(
      double randomRate,
      double unusualZ,
      long bytesPerMinute,
      int fullMaxTokens,
      int topK,
      java.util.function.BooleanSupplier operatorAll) {
    /** No maps at all (tests). */
    public static MapSettings none() {
      return new MapSettings(0, 0, 0, 64, 8, () -> false);
    }
  }

  private final MapSettings maps;
  private final AttentionMapEncoder encoder;
  // Per model, on the worker thread only; bounded by the model registry's bound.
  private final java.util.Map<ModelTelemetry, AttentionMapPolicy> policies =
      new java.util.IdentityHashMap<>();
  private final java.util.Random random = new java.util.Random();

  public CapturePipeline(int capacity, long maxBytes, int snapshotMaxSequences) {
    this(capacity, maxBytes, snapshotMaxSequences, MapSettings.none());
  }

  public CapturePipeline(int capacity, long maxBytes, int snapshotMaxSequences, MapSettings maps) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.reducer = new CaptureReducer(snapshotMaxSequences);
    this.maps = maps;
    this.encoder = new AttentionMapEncoder(maps.fullMaxTokens(), maps.topK());
    this.worker = new Thread(this::loop, "headwatch-statistics");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues a capture; returns null when queued, else the reason it was dropped (already counted;
   * its resources already released).
   */
  public String offer(PendingCapture capture) {
    String reason = null;
    long bytes = capture.bytes();
    if (closing) {
      reason = SHUTDOWN;
    } else if (queuedCount.incrementAndGet() > capacity) {
      queuedCount.decrementAndGet();
      reason = QUEUE_FULL;
    } else if (!reserve(bytes)) {
      queuedCount.decrementAndGet();
      reason = QUEUE_FULL;
    } else {
      (capture.runsModel() ? toRun : inHand).add(capture);
      queued.release();
      peakCount.accumulateAndGet(queuedCount.get(), Math::max);
      peakBytes.accumulateAndGet(queuedBytes.get(), Math::max);
    }
    if (reason != null) {
      capture.model().agent().recordDropped(reason);
      capture.release();
    }
    return reason;
  }

  /** Counts {@code bytes} as queued unless that passes the bound (one capture always fits). */
  private boolean reserve(long bytes) {
    long after = queuedBytes.addAndGet(bytes);
    if (after > maxBytes && after != bytes) {
      queuedBytes.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  /** Captures waiting now (for tests and diagnostics). */
  public int pending() {
    return queuedCount.get() + (busy ? 1 : 0);
  }

  private void loop() {
    while (true) {
      PendingCapture next = null;
      try {
        if (closing ? queued.tryAcquire() : queued.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          next = takeNext();
        }
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        synchronized (idle) {
          idle.notifyAll();
        }
        if (closing) {
          return;
        }
        continue;
      }
      busy = true;
      queuedCount.decrementAndGet();
      queuedBytes.addAndGet(-next.bytes());
      try {
        process(next);
      } catch (Throwable t) {
        AgentLog.warnOnce(
            "worker-" + t.getClass().getName(), "the agent's statistics worker failed", t);
      } finally {
        busy = false;
      }
    }
  }

  /** After a permit: a capture in hand if there is one, else one to run (a permit means one is). */
  private PendingCapture takeNext() {
    PendingCapture next = inHand.poll();
    return next != null ? next : toRun.poll();
  }

  private void process(PendingCapture pending) {
    ModelTelemetry model = pending.model();
    long start = WorkerClock.now();
    Capture capture;
    try {
      capture = pending.resolve();
    } catch (Throwable t) {
      pending.release();
      model.agent().recordDropped("capture_error");
      AgentLog.warnOnce(
          "capture-" + model.model() + "-" + t.getClass().getName(),
          "capture of a sampled inference of model " + model.model() + " failed",
          t);
      return;
    }
    if (capture == null) {
      pending.release();
      return;
    }
    long resolved = WorkerClock.now();
    boolean measured = pending.measured();
    if (capture != pending) {
      model.recordCaptureRunOverhead(resolved - start, measured);
    }
    try {
      List<SequenceStatistics> sequences = reducer.reduce(capture);
      for (SequenceStatistics s : sequences) {
        if (!s.hasData()) {
          continue;
        }
        int b = s.batchIndex();
        List<String> tokens =
            capture.tokenTexts() != null && b < capture.tokenTexts().size()
                ? capture.tokenTexts().get(b)
                : null;
        Attributes extra =
            capture.extras() != null && b < capture.extras().length ? capture.extras()[b] : null;
        SnapshotRecords.emit(model, capture.span(), s, tokens, extra);
        maybeSendMaps(model, capture, s, tokens);
      }
    } catch (Throwable t) {
      model.agent().recordDropped("capture_error");
      SnapshotRecords.emitDropped(model, capture.span(), "error");
      AgentLog.warnOnce(
          "statistics-" + model.model() + "-" + t.getClass().getName(),
          "statistics of a sampled inference of model " + model.model() + " failed",
          t);
    } finally {
      pending.release();
      if (capture != pending) {
        capture.release();
      }
    }
    model.recordStatisticsOverhead(WorkerClock.now() - resolved, measured);
  }

  /** Sends the sequence's attention maps when the model's map policy chooses it and they fit. */
  private void maybeSendMaps(
      ModelTelemetry model, Capture capture, SequenceStatistics s, List<String> tokens) {
    if (maps.bytesPerMinute() <= 0 || capture.attention().isEmpty()) {
      return;
    }
    AttentionMapPolicy policy =
        policies.computeIfAbsent(
            model,
            m ->
                new AttentionMapPolicy(
                    maps.randomRate(),
                    maps.unusualZ(),
                    maps.bytesPerMinute(),
                    System::nanoTime,
                    random));
    String reason = policy.reason(s, maps.operatorAll().getAsBoolean());
    if (reason == null) {
      return;
    }
    int b = s.batchIndex();
    long size = encoder.size(capture, b);
    if (size < 0) {
      return;
    }
    if (!policy.spend(size)) {
      model.agent().recordDropped("map_budget");
      return;
    }
    AttentionMapEncoder.Encoded encoded = encoder.encode(capture, b);
    if (encoded != null) {
      AttentionMapRecords.emit(
          model,
          capture.span(),
          b,
          encoded.layers(),
          encoded.heads(),
          encoded.tokens(),
          encoded.encoding(),
          encoded.topK(),
          reason,
          encoded.body(),
          tokens);
    }
  }

  /**
   * Stops taking captures and waits up to {@code timeoutMs} for the queued ones to finish; what is
   * left is counted as dropped ({@code shutdown}), reported as such to the collector, and released.
   * Idempotent.
   */
  public void drain(long timeoutMs) {
    closing = true;
    try {
      worker.join(Math.max(1, timeoutMs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = 0;
    PendingCapture p;
    // A worker still busy after the timeout may race for these: each capture goes to one of them.
    while ((p = takeNext()) != null) {
      queued.tryAcquire();
      queuedCount.decrementAndGet();
      queuedBytes.addAndGet(-p.bytes());
      left++;
      p.model().agent().recordDropped(SHUTDOWN);
      p.release();
    }
    AgentLog.debug(
        "statistics queue: at most "
            + peakCount.get()
            + " capture(s) and "
            + peakBytes.get()
            + " bytes waited at once (bounds "
            + capacity
            + " and "
            + maxBytes
            + ")");
    if (left > 0 || worker.isAlive()) {
      AgentLog.warn(
          "exit: "
              + left
              + " sampled inference(s) left unprocessed after the "
              + timeoutMs
              + " ms shutdown timeout (counted as dropped, reason shutdown)");
    }
  }

  /** Waits until the queue is empty and the worker idle, at most {@code timeoutMs} (tests). */
  public boolean awaitIdle(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (pending() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      synchronized (idle) {
        idle.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
    return true;
  }
}
