package io.headwatch.agent.pipeline;

import io.headwatch.agent.util.AgentLog;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The agent's background threads: one computes statistics for sampled inferences from a bounded
 * queue (when it is full the caller drops the work and counts it: the application never waits), one
 * prepares capture sessions when the application creates a model session (rare; never dropped).
 *
 * <p>Statistics run off the inference thread so that a sampled inference costs the application only
 * the copy of its inputs (docs/design.md).
 */
public final class StatisticsWorker {
  private final BlockingQueue<Runnable> statistics;
  private final BlockingQueue<Runnable> setup = new LinkedBlockingQueue<>();
  private final Thread statisticsThread;
  private final Thread setupThread;
  private volatile boolean closing;

  public StatisticsWorker(int queueCapacity) {
    this.statistics = new ArrayBlockingQueue<>(queueCapacity);
    this.statisticsThread = start("headwatch-statistics", statistics);
    this.setupThread = start("headwatch-setup", setup);
  }

  private Thread start(String name, BlockingQueue<Runnable> queue) {
    Thread thread = new Thread(() -> loop(queue), name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void loop(BlockingQueue<Runnable> queue) {
    while (true) {
      Runnable task;
      try {
        task = closing ? queue.poll() : queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (task == null) {
        if (closing) {
          return;
        }
        continue;
      }
      try {
        task.run();
      } catch (Throwable t) {
        AgentLog.warnOnce("worker-" + t.getClass().getName(), "agent background task failed", t);
      }
    }
  }

  /** Queues statistics work; returns false, queuing nothing, when the queue is full or closing. */
  public boolean offer(Runnable task) {
    return !closing && statistics.offer(task);
  }

  /** Queues set-up work (preparing a capture session). */
  public void setup(Runnable task) {
    if (!closing) {
      setup.add(task);
    }
  }

  /** Work queued and not yet started (for tests and diagnostics). */
  public int pending() {
    return statistics.size() + setup.size();
  }

  /** Stops taking work and waits up to {@code timeoutMs} for queued work to finish. */
  public void drain(long timeoutMs) {
    closing = true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    try {
      setupThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      statisticsThread.join(
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = statistics.size();
    if (statisticsThread.isAlive() || left > 0) {
      AgentLog.warn(
          "exit: "
              + left
              + " sampled inference(s) left unprocessed after the "
              + timeoutMs
              + " ms shutdown timeout");
    }
  }
}
