package io.headwatch.agent.pipeline;

import io.headwatch.agent.util.AgentLog;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for rare, heavy preparation work off the application's threads: analysing a
 * model's graph and creating its capture session when the application creates a session, and
 * closing it. Tasks run in order; none is dropped (one per session creation or close).
 */
public final class SetupThread {
  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closing;

  public SetupThread() {
    this.thread = new Thread(this::loop, "headwatch-setup");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues a task; ignored once closing. */
  public void submit(Runnable task) {
    if (!closing) {
      tasks.add(task);
    }
  }

  /** True once the JVM is exiting ({@link #drain} was called): tasks may skip needless work. */
  public boolean closing() {
    return closing;
  }

  private void loop() {
    while (true) {
      Runnable task;
      try {
        task = closing ? tasks.poll() : tasks.poll(100, TimeUnit.MILLISECONDS);
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
        AgentLog.warnOnce("setup-" + t.getClass().getName(), "agent set-up task failed", t);
      }
    }
  }

  /** Stops taking tasks and waits up to {@code timeoutMs} for the queued ones. */
  public void drain(long timeoutMs) {
    closing = true;
    try {
      thread.join(Math.max(1, timeoutMs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
