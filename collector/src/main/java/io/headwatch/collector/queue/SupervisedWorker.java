package io.headwatch.collector.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker loop on its own daemon thread that is started again when it dies: whatever escapes the
 * loop (an {@link OutOfMemoryError} included) is logged and counted, and after a short pause a new
 * thread runs the loop. A loop that returns normally has stopped on purpose.
 */
public final class SupervisedWorker {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisedWorker.class);
  private static final long FIRST_PAUSE_MILLIS = 100;
  private static final long MAX_PAUSE_MILLIS = 5_000;

  private final String name;
  private final Runnable loop;
  private final Runnable onRestart;
  private volatile Thread thread;
  private volatile boolean running;
  private volatile boolean stopped;
  private long pauseMillis = FIRST_PAUSE_MILLIS;
  private long restarts;

  /**
   * @param loop runs until the worker should stop; returning ends the worker
   * @param onRestart called once per restart (to count it)
   */
  public SupervisedWorker(String name, Runnable loop, Runnable onRestart) {
    this.name = name;
    this.loop = loop;
    this.onRestart = onRestart;
  }

  public synchronized void start() {
    running = true;
    thread = new Thread(this::runSupervised, name);
    thread.setDaemon(true);
    thread.start();
  }

  private void runSupervised() {
    try {
      loop.run();
      stopped = true;
      running = false;
    } catch (Throwable t) {
      running = false;
      LOG.error("worker {} failed; starting it again", name, t);
      synchronized (this) {
        restarts++;
      }
      try {
        onRestart.run();
      } catch (RuntimeException e) {
        // counting must not stop the restart
      }
      pauseThenRestart();
    }
  }

  private void pauseThenRestart() {
    long pause;
    synchronized (this) {
      pause = pauseMillis;
      pauseMillis = Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
    }
    try {
      // A pause keeps a loop that fails at once from spinning; it doubles up to 5 s.
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      return;
    }
    if (!stopped) {
      start();
    }
  }

  /** True while the loop runs (false during the pause before a restart, and after it stopped). */
  public boolean running() {
    return running;
  }

  public synchronized long restarts() {
    return restarts;
  }

  /** Waits up to {@code millis} for the loop to return; no more restarts after this. */
  public void join(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      Thread t = thread;
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (t == null || left <= 0) {
        break;
      }
      t.join(left);
      if (t == thread) {
        break;
      }
    }
    stopped = true;
  }
}
