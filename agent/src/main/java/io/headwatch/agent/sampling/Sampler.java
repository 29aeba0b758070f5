package io.headwatch.agent.sampling;

import java.util.concurrent.ThreadLocalRandom;

/** Decides, per inference, whether its attention and activations are captured. */
public final class Sampler {
  private final double rate;

  public Sampler(double rate) {
    this.rate = rate;
  }

  public double rate() {
    return rate;
  }

  /** True with probability {@code rate}; never draws a random number at rate 0 or 1. */
  public boolean sample() {
    if (rate <= 0.0) {
      return false;
    }
    if (rate >= 1.0) {
      return true;
    }
    return ThreadLocalRandom.current().nextDouble() < rate;
  }
}
