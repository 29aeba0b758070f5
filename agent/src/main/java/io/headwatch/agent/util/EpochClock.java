package io.headwatch.agent.util;

/**
 * Wall-clock time in epoch nanoseconds from the monotonic clock, anchored once: no allocation and
 * no system call beyond {@link System#nanoTime()} per reading.
 */
public final class EpochClock {
  private static final long ANCHOR_EPOCH_NANOS = System.currentTimeMillis() * 1_000_000L;
  private static final long ANCHOR_NANO_TIME = System.nanoTime();

  private EpochClock() {}

  public static long nowEpochNanos() {
    return ANCHOR_EPOCH_NANOS + (System.nanoTime() - ANCHOR_NANO_TIME);
  }
}
