package io.headwatch.agent.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdaptiveSamplerTest {
  @Test
  void withoutBudgetTheConfiguredRateApplies() {
    AdaptiveSampler sampler = new AdaptiveSampler(0.3, Double.POSITIVE_INFINITY, 0, 0, 0);
    sampler.recordInference(10_000_000);
    sampler.recordThreadCost(10_000);
    sampler.recordCaptureCost(50_000_000, true);
    sampler.update();
    assertEquals(0.3, sampler.effectiveRate());
  }

  @Test
  void configuredRateAppliesUntilACaptureWasMeasured() {
    AdaptiveSampler sampler = new AdaptiveSampler(0.1, 0.02, 0, 0, 0);
    sampler.recordInference(10_000_000);
    sampler.recordThreadCost(10_000);
    sampler.update();
    assertEquals(0.1, sampler.effectiveRate());
  }

  @Test
  void budgetLowersTheRate() {
    // T = 10 ms per inference, 10 us on the inference thread, 20 ms per capture, budget 2 %:
    // r = (0.02 * 10 ms - 0.01 ms) / 20 ms = 0.19 / 20 = 0.0095.
    AdaptiveSampler sampler = new AdaptiveSampler(0.1, 0.02, 0, 0, 0);
    sampler.recordInference(10_000_000);
    sampler.recordThreadCost(10_000);
    sampler.recordCaptureCost(20_000_000, true);
    sampler.update();
    assertEquals(0.0095, sampler.effectiveRate(), 1e-12);
    // The cost at that rate is the budget: (0.01 + 0.0095 * 20) / 10 = 0.02.
    assertEquals(0.02, sampler.measuredCost(), 1e-12);
  }

  @Test
  void budgetNeverRaisesTheRateAboveTheConfiguredOne() {
    // Allowed: (0.02 * 10 ms - 0) / 0.1 ms = 2 -> capped at the configured 0.05.
    AdaptiveSampler sampler = new AdaptiveSampler(0.05, 0.02, 0, 0, 0);
    sampler.recordInference(10_000_000);
    sampler.recordThreadCost(0);
    sampler.recordCaptureCost(100_000, true);
    sampler.update();
    assertEquals(0.05, sampler.effectiveRate());
  }

  @Test
  void threadCostAboveTheBudgetStopsCapture() {
    // 0.3 ms on the inference thread of a 10 ms inference is 3 % > 2 %: nothing is left for
    // captures.
    AdaptiveSampler sampler = new AdaptiveSampler(1.0, 0.02, 0, 0, 0);
    sampler.recordInference(10_000_000);
    sampler.recordThreadCost(300_000);
    sampler.recordCaptureCost(1_000_000, true);
    sampler.update();
    assertEquals(0.0, sampler.effectiveRate());
    assertFalse(sampler.sample());
  }

  @Test
  void averagesMoveGraduallyTowardsNewMeasurements() {
    AdaptiveSampler sampler = new AdaptiveSampler(1.0, 0.02, 0, 0, 0);
    sampler.recordInference(10_000_000);
    sampler.recordThreadCost(0);
    sampler.recordCaptureCost(20_000_000, true);
    sampler.update(); // r = 0.2 / 20 = 0.01
    assertEquals(0.01, sampler.effectiveRate(), 1e-12);
    sampler.recordCaptureCost(10_000_000, true);
    sampler.update();
    // capture average: 20 + 0.06 * (10 - 20) = 19.4 ms -> r = 0.2 / 19.4
    assertEquals(0.2 / 19.4, sampler.effectiveRate(), 1e-12);
  }

  @Test
  void aCaptureRecordedInPartsCountsOnce() {
    // 15 ms capture run + 5 ms statistics = one 20 ms capture: the same rate as one 20 ms record.
    AdaptiveSampler sampler = new AdaptiveSampler(0.1, 0.02, 0, 0, 0);
    sampler.recordInference(10_000_000);
    sampler.recordThreadCost(10_000);
    sampler.recordCaptureCost(15_000_000, false);
    sampler.recordCaptureCost(5_000_000, true);
    sampler.update();
    assertEquals(0.0095, sampler.effectiveRate(), 1e-12);
  }

  @Test
  void warmUpIsNotMeasured() {
    // The first 50 inferences and the first capture are skipped: a 100 ms first call (class
    // loading) must not count; the 51st inference and the second capture do.
    AdaptiveSampler sampler =
        new AdaptiveSampler(0.1, 0.02, 0, AdaptiveSampler.WARM_UP_INFERENCES, 1, 0, () -> 0L);
    for (int i = 0; i < AdaptiveSampler.WARM_UP_INFERENCES; i++) {
      sampler.recordInference(10_000_000);
      sampler.recordThreadCost(i == 0 ? 100_000_000 : 10_000);
    }
    sampler.recordCaptureCost(500_000_000, true);
    sampler.update();
    assertEquals(0.1, sampler.effectiveRate(), "nothing measured yet: the configured rate");
    assertTrue(Double.isNaN(sampler.measuredCost()));
    sampler.recordInference(10_000_000);
    sampler.recordThreadCost(10_000);
    sampler.recordCaptureCost(20_000_000, true);
    sampler.update();
    assertEquals(0.0095, sampler.effectiveRate(), 1e-12);
  }

  @Test
  void theBudgetAppliesOnlyAfterTheWarmUpTime() {
    long[] now = {0};
    AdaptiveSampler sampler =
        new AdaptiveSampler(1.0, 0.02, 0, 0, 0, AdaptiveSampler.WARM_UP_NANOS, () -> now[0]);
    // Captures cost as much as inferences (the JIT has not compiled the capture path yet).
    for (int i = 0; i < 100; i++) {
      sampler.recordInference(10_000_000);
      sampler.recordThreadCost(10_000);
      sampler.recordCaptureCost(10_000_000, true);
      now[0] += 100_000_000L; // 10 s in all
      sampler.update();
    }
    assertEquals(1.0, sampler.effectiveRate(), "warming up: the configured rate");
    now[0] = AdaptiveSampler.WARM_UP_NANOS; // 30 s after the first inference
    sampler.recordInference(10_000_000);
    sampler.update();
    assertTrue(sampler.effectiveRate() < 0.05, "then the budget: " + sampler.effectiveRate());
  }

  @Test
  void rateZeroAndOneNeedNoRandomness() {
    AdaptiveSampler never = new AdaptiveSampler(0.0, Double.POSITIVE_INFINITY, 0, 0, 0);
    AdaptiveSampler always = new AdaptiveSampler(1.0, Double.POSITIVE_INFINITY, 0, 0, 0);
    for (int i = 0; i < 1000; i++) {
      assertFalse(never.sample());
      assertTrue(always.sample());
    }
  }

  @Test
  void rateIsHonouredOnAverage() {
    AdaptiveSampler sampler = new AdaptiveSampler(0.25, Double.POSITIVE_INFINITY, 0, 0, 0);
    int n = 200_000;
    int hits = 0;
    for (int i = 0; i < n; i++) {
      hits += sampler.sample() ? 1 : 0;
    }
    // Binomial: mean 50,000, standard deviation sqrt(n p (1 - p)) = 193.6; allow 6 sigma.
    assertEquals(50_000, hits, 6 * 193.6);
  }

  @Test
  void perSecondLimitCapsBursts() {
    AdaptiveSampler sampler = new AdaptiveSampler(1.0, Double.POSITIVE_INFINITY, 10, 0, 0);
    int accepted = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      accepted += sampler.sample() ? 1 : 0;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // A full bucket (10) plus what refills during the loop (10 per second).
    assertTrue(
        accepted >= 10 && accepted <= 10 + (int) Math.ceil(10 * seconds) + 1,
        accepted + " accepted in " + seconds + " s");
  }

  @Test
  void rateLimiterRefillsWithTime() {
    AdaptiveSampler.RateLimiter limiter = new AdaptiveSampler.RateLimiter(2);
    long t = System.nanoTime();
    assertTrue(limiter.tryAcquire(t));
    assertTrue(limiter.tryAcquire(t));
    assertFalse(limiter.tryAcquire(t));
    assertTrue(limiter.tryAcquire(t + 500_000_000L)); // half a second later: one token back
    assertFalse(limiter.tryAcquire(t + 500_000_000L));
  }
}
