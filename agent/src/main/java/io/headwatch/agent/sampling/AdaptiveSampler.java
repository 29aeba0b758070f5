package io.headwatch.agent.sampling;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides, per inference of one model, whether it is captured: the configured rate, lowered when
 * needed to keep the agent's measured cost within its budget, and an optional per-second limit.
 *
 * <p>The budget is a share of the model's own inference time. The agent measures three averages
 * (exponentially weighted, refreshed at most every {@link #UPDATE_PERIOD_NANOS}): the inference
 * time T, its cost per inference on the inference thread C<sub>u</sub> (paid by every inference),
 * and its cost per captured inference C<sub>s</sub> (the capture run and the statistics, on the
 * agent's thread). At rate r the expected cost is (C<sub>u</sub> + r·C<sub>s</sub>) / T, so the
 * effective rate is min(configured, (budget·T − C<sub>u</sub>) / C<sub>s</sub>), clamped to [0, 1].
 * Until a capture has been measured the configured rate applies.
 *
 * <p>The first {@link #WARM_UP_INFERENCES} inferences and the first capture of a model are not
 * measured: they pay for class loading and compilation once (tens of milliseconds), which would
 * otherwise hold the rate down for minutes at low traffic. And the budget is enforced only after
 * the model's first {@link #WARM_UP_NANOS} (30 s): until the JIT has compiled the capture path its
 * cost is several times its steady cost, and a short-lived process (a command-line run) would
 * otherwise capture almost nothing. During that time the configured rate applies.
 *
 * <p>Recording is lock-free (adders); the averages are folded in by whichever thread first sees
 * that the period has passed.
 */
public final class AdaptiveSampler {
  static final long UPDATE_PERIOD_NANOS = 250_000_000L;
  // Weight of the newest period in the averages: about 4 s of memory at one update per 250 ms.
  private static final double NEW_WEIGHT = 0.06;
  static final int WARM_UP_INFERENCES = 50;
  static final long WARM_UP_NANOS = 30_000_000_000L;

  private final double configuredRate;
  private final double budget;
  private final RateLimiter limiter;

  private final LongAdder inferenceNanos = new LongAdder();
  private final LongAdder inferences = new LongAdder();
  private final LongAdder threadNanos = new LongAdder();
  private final LongAdder captureNanos = new LongAdder();
  private final LongAdder captures = new LongAdder();
  private final AtomicLong nextUpdate;
  private final AtomicLong warmUpInferencesLeft;
  private final AtomicLong warmUpCapturesLeft;
  private volatile boolean inferencesWarm;
  private volatile boolean capturesWarm;

  private volatile double effectiveRate;
  private volatile double averageInference = Double.NaN;
  private volatile double averageThreadCost = Double.NaN;
  private volatile double averageCaptureCost = Double.NaN;
  private final java.util.function.LongSupplier clock;
  private final long warmUpNanos;
  private volatile long budgetFrom = Long.MIN_VALUE; // when the budget starts to apply

  /**
   * @param configuredRate share of inferences to capture, in [0, 1]
   * @param budget the agent's cost as a share of inference time; {@code Double.POSITIVE_INFINITY}
   *     for no budget
   * @param maxPerSecond captures per second at most; 0 for no limit
   */
  public AdaptiveSampler(double configuredRate, double budget, double maxPerSecond) {
    this(
        configuredRate,
        budget,
        maxPerSecond,
        WARM_UP_INFERENCES,
        1,
        WARM_UP_NANOS,
        System::nanoTime);
  }

  AdaptiveSampler(
      double configuredRate,
      double budget,
      double maxPerSecond,
      int warmUpInferences,
      int warmUpCaptures) {
    this(
        configuredRate,
        budget,
        maxPerSecond,
        warmUpInferences,
        warmUpCaptures,
        0,
        System::nanoTime);
  }

  /**
   * @param warmUpNanos how long after the model's first inference the budget starts to apply
   * @param clock nanosecond clock (tests move their own)
   */
  AdaptiveSampler(
      double configuredRate,
      double budget,
      double maxPerSecond,
      int warmUpInferences,
      int warmUpCaptures,
      long warmUpNanos,
      java.util.function.LongSupplier clock) {
    this.clock = clock;
    this.warmUpNanos = warmUpNanos;
    this.warmUpInferencesLeft = new AtomicLong(warmUpInferences);
    this.warmUpCapturesLeft = new AtomicLong(warmUpCaptures);
    this.inferencesWarm = warmUpInferences == 0;
    this.capturesWarm = warmUpCaptures == 0;
    this.configuredRate = configuredRate;
    this.budget = budget;
    this.limiter = maxPerSecond > 0 ? new RateLimiter(maxPerSecond, clock.getAsLong()) : null;
    this.effectiveRate = configuredRate;
    this.nextUpdate = new AtomicLong(clock.getAsLong() + UPDATE_PERIOD_NANOS);
  }

  /** True when this inference is to be captured. */
  public boolean sample() {
    double rate = effectiveRate;
    if (rate <= 0.0) {
      return false;
    }
    if (rate < 1.0 && ThreadLocalRandom.current().nextDouble() >= rate) {
      return false;
    }
    return limiter == null || limiter.tryAcquire(clock.getAsLong());
  }

  /** Records one inference's duration. */
  public void recordInference(long durationNanos) {
    if (budgetFrom == Long.MIN_VALUE) {
      budgetFrom = clock.getAsLong() + warmUpNanos; // benign race: any first caller's time does
    }
    if (!inferencesWarm) {
      if (warmUpInferencesLeft.getAndDecrement() > 0) {
        return;
      }
      inferencesWarm = true;
    }
    inferenceNanos.add(durationNanos);
    inferences.increment();
    maybeUpdate();
  }

  /** Records what the agent spent on an inference's thread. */
  public void recordThreadCost(long agentNanos) {
    if (!inferencesWarm) {
      return;
    }
    threadNanos.add(agentNanos);
  }

  /**
   * Records what a capture cost the agent off the inference thread; {@code lastPart} when this cost
   * completes one capture (a capture may be recorded in parts: the run, the statistics).
   */
  public void recordCaptureCost(long agentNanos, boolean lastPart) {
    if (!capturesWarm) {
      if (lastPart && warmUpCapturesLeft.decrementAndGet() <= 0) {
        capturesWarm = true;
      }
      return;
    }
    captureNanos.add(agentNanos);
    if (lastPart) {
      captures.increment();
    }
  }

  /**
   * Forgets what captures cost so far: the way this model is captured changed (a capture session
   * started serving calls instead of re-running them), so the old average says nothing about the
   * new cost. The configured rate applies until the next capture has been measured.
   */
  public synchronized void resetCaptureCost() {
    captureNanos.reset();
    captures.reset();
    averageCaptureCost = Double.NaN;
    warmUpCapturesLeft.set(1); // the first capture of the new kind pays for compilation
    capturesWarm = false;
    effectiveRate = rateWithinBudget();
  }

  /** The budget: the agent's cost as a share of inference time; infinite for none. */
  public double budget() {
    return budget;
  }

  public double configuredRate() {
    return configuredRate;
  }

  /** The averages the rate is computed from, for the debug log. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "inference %.3f ms, agent on the inference thread %.4f ms, capture %.3f ms, effective rate %.3f",
        averageInference / 1e6,
        averageThreadCost / 1e6,
        averageCaptureCost / 1e6,
        effectiveRate);
  }

  /** The rate in force now. */
  public double effectiveRate() {
    return effectiveRate;
  }

  /**
   * The agent's measured cost as a share of inference time at the effective rate, or NaN before
   * anything was measured.
   */
  public double measuredCost() {
    double t = averageInference;
    double u = averageThreadCost;
    double s = averageCaptureCost;
    if (Double.isNaN(t) || t <= 0) {
      return Double.NaN;
    }
    return (u + (Double.isNaN(s) ? 0 : effectiveRate * s)) / t;
  }

  private void maybeUpdate() {
    long now = clock.getAsLong();
    long due = nextUpdate.get();
    if (now - due < 0 || !nextUpdate.compareAndSet(due, now + UPDATE_PERIOD_NANOS)) {
      return;
    }
    update();
  }

  /** Folds the last period into the averages and recomputes the effective rate. */
  synchronized void update() {
    long n = inferences.sumThenReset();
    long time = inferenceNanos.sumThenReset();
    long thread = threadNanos.sumThenReset();
    long c = captures.sumThenReset();
    long capture = captureNanos.sumThenReset();
    if (n > 0) {
      averageInference = blend(averageInference, (double) time / n);
      averageThreadCost = blend(averageThreadCost, (double) thread / n);
    }
    if (c > 0) {
      averageCaptureCost = blend(averageCaptureCost, (double) capture / c);
    }
    effectiveRate = rateWithinBudget();
  }

  private double rateWithinBudget() {
    if (budgetFrom == Long.MIN_VALUE || clock.getAsLong() - budgetFrom < 0) {
      return configuredRate; // warming up
    }
    if (Double.isInfinite(budget)
        || Double.isNaN(averageCaptureCost)
        || Double.isNaN(averageInference)
        || averageCaptureCost <= 0) {
      return configuredRate;
    }
    double allowed = (budget * averageInference - averageThreadCost) / averageCaptureCost;
    return Math.max(0.0, Math.min(configuredRate, Math.min(1.0, allowed)));
  }

  private static double blend(double old, double value) {
    return Double.isNaN(old) ? value : old + NEW_WEIGHT * (value - old);
  }

  /** A token bucket: at most {@code perSecond} on average, bursts of at most one second's worth. */
  static final class RateLimiter {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    RateLimiter(double perSecond) {
      this(perSecond, System.nanoTime());
    }

    RateLimiter(double perSecond, long now) {
      this.perNano = perSecond / 1e9;
      this.capacity = Math.max(1.0, perSecond);
      this.tokens = capacity;
      this.last = now;
    }

    synchronized boolean tryAcquire(long now) {
      tokens = Math.min(capacity, tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1.0) {
        tokens -= 1.0;
        return true;
      }
      return false;
    }
  }
}
