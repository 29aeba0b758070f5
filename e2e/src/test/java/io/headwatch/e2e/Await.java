package io.headwatch.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting for conditions, never for durations: the machines that run these tests are shared and
 * slow at times, so a test waits for what it needs, with a generous deadline, and fails at once
 * (with the process's own output) when a process it depends on dies.
 */
final class Await {
  /** Deadlines are generous: they only bound a test that is already failing. */
  static final Duration DEFAULT = Duration.ofMinutes(5);

  private Await() {}

  /**
   * Polls {@code condition} until it holds; before each poll runs {@code liveness}, which throws
   * when something the test depends on has died.
   */
  static void until(Duration deadline, String what, BooleanSupplier condition, Runnable liveness)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      liveness.run();
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() - end > 0) {
        throw new AssertionError(
            "gave up after " + deadline.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  static void until(Duration deadline, String what, BooleanSupplier condition)
      throws InterruptedException {
    until(deadline, what, condition, () -> {});
  }
}
