package io.headwatch.agent.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What the statistics worker's work costs: the worker thread's CPU time where the JVM measures it
 * (HotSpot on Linux does, for a few hundred nanoseconds a reading), else wall time. CPU time is
 * what the agent takes from the application; on a busy machine the worker's wall time also holds
 * the time it waited for a core, which is not a cost the agent imposes.
 */
final class WorkerClock {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_TIME = cpuTimeAvailable();

  private WorkerClock() {}

  private static boolean cpuTimeAvailable() {
    try {
      if (THREADS.isCurrentThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
        THREADS.setThreadCpuTimeEnabled(true);
      }
      return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Nanoseconds on this thread's clock (CPU time if available); only differences matter. */
  static long now() {
    return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }
}
