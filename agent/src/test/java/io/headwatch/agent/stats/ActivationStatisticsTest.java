package io.headwatch.agent.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.stats.ActivationStatistics.ZeroRule;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pins the activation statistics with hand-computed values and a randomised reference check. */
class ActivationStatisticsTest {

  private static final double EPS = 1e-9;

  private final ActivationStatistics stats = new ActivationStatistics();

  private ActivationSummary summarize(float[] x, int seqLen, int width, boolean[] valid) {
    return stats.summarize(x, 0, seqLen, width, valid, new ActivationSummary());
  }

  private static boolean[] all(int n) {
    return AttentionStatistics.allValid(n);
  }

  @Test
  void handExample() {
    float[] x = {1, 2, 3, 4, -1, 0, 0, 7};
    ActivationSummary s = summarize(x, 2, 4, all(2));
    assertEquals(8, s.count());
    // (1 + 2 + 3 + 4 - 1 + 0 + 0 + 7) / 8 = 16 / 8 = 2
    assertEquals(2.0, s.mean(), EPS);
    // deviations -1 0 1 2 -3 -2 -2 5, squares 1 0 1 4 9 4 4 25 = 48; 48 / 8 = 6; sqrt 6
    assertEquals(2.449489743, s.std(), EPS);
    assertEquals(7.0, s.absMax(), 0.0);
    // two exact zeros of 8
    assertEquals(0.25, s.zeroFraction(), 0.0);
    // only 7 has abs >= 6: 1 / 8
    assertEquals(0.125, s.outlierFraction(), 0.0);
    assertEquals(0, s.massiveCount());
    assertEquals(0, s.nonFiniteCount());
  }

  @Test
  void nonPositiveZeroRuleForGelu() {
    float[] x = {1, 2, 3, 4, -1, 0, -0f, 7};
    ActivationSummary s =
        stats.summarize(x, 0, 2, 4, all(2), ZeroRule.NON_POSITIVE, new ActivationSummary());
    // -1, 0, -0 are <= 0: 3 / 8
    assertEquals(0.375, s.zeroFraction(), 0.0);
    // exact-zero rule: 0 and -0 count, -1 does not: 2 / 8
    assertEquals(0.25, summarize(x, 2, 4, all(2)).zeroFraction(), 0.0);
  }

  @Test
  void outlierThresholdIsInclusive() {
    float[] x = {6f, -6f, 5.999f, -5.999f, 0.5f, 100f, Float.NaN, Float.POSITIVE_INFINITY};
    ActivationSummary s = summarize(x, 1, 8, all(1));
    // 6, -6 and 100 are outliers; non-finite values are not: 3 / 8
    assertEquals(0.375, s.outlierFraction(), 0.0);
    assertEquals(2, s.nonFiniteCount());
  }

  @Test
  void massiveActivation() {
    // 9 values: seven of 0.0625, then 150 and 90. Sorted abs: 0.0625 x7, 90, 150; median 0.0625.
    // 1000 x median = 62.5. 150 > 100 and >= 62.5: massive. 90 >= 62.5 but not > 100: not.
    float[] x = new float[9];
    Arrays.fill(x, 0.0625f);
    x[3] = 150f;
    x[7] = 90f;
    assertEquals(1, summarize(x, 3, 3, all(3)).massiveCount());
    // Sign does not matter: -150 has abs 150.
    x[3] = -150f;
    assertEquals(1, summarize(x, 3, 3, all(3)).massiveCount());
  }

  @Test
  void massiveNeedsThousandTimesTheMedian() {
    // 9 values: seven of 0.25, 150 and -250. Median abs 0.25, threshold 250.
    // 150 > 100 but < 250: not massive; -250: abs 250 >= 250 and > 100: massive.
    float[] x = new float[9];
    Arrays.fill(x, 0.25f);
    x[0] = 150f;
    x[8] = -250f;
    assertEquals(1, summarize(x, 1, 9, all(1)).massiveCount());
  }

  @Test
  void evenCountMedianIsTheMeanOfTheMiddleTwo() {
    // 8 values: 0.125 x4, 0.25 x2, 180, 190. Middle two (4th and 5th): 0.125 and 0.25,
    // median 0.1875, threshold 187.5: 190 is massive, 180 is not -> 1.
    // (Lower median 0.125 would give 2, upper median 0.25 would give 0.)
    float[] x = {0.25f, 190f, 0.125f, 0.125f, 180f, 0.125f, 0.25f, 0.125f};
    assertEquals(1, summarize(x, 2, 4, all(2)).massiveCount());
  }

  @Test
  void zeroMedianMakesEveryLargeValueMassive() {
    // Mostly zeros: median 0, threshold 0, so every value > 100 is massive.
    float[] x = new float[10];
    x[2] = 101f;
    x[5] = -3000f;
    x[6] = 99f;
    assertEquals(2, summarize(x, 2, 5, all(2)).massiveCount());
  }

  @Test
  void nonFiniteValuesAreCountedAndExcluded() {
    float[] x = {1, Float.NaN, 3, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 5, 0, -1};
    ActivationSummary s = summarize(x, 2, 4, all(2));
    assertEquals(8, s.count());
    assertEquals(3, s.nonFiniteCount());
    // finite: 1, 3, 5, 0, -1; mean 8 / 5 = 1.6
    assertEquals(1.6, s.mean(), EPS);
    // deviations -0.6 1.4 3.4 -1.6 -2.6, squares 0.36 1.96 11.56 2.56 6.76 = 23.2; / 5 = 4.64
    assertEquals(Math.sqrt(4.64), s.std(), EPS);
    assertEquals(5.0, s.absMax(), 0.0);
    // one zero of 8 values (the denominator counts non-finite values too)
    assertEquals(0.125, s.zeroFraction(), 0.0);
  }

  @Test
  void allNonFinite() {
    float[] x = {Float.NaN, Float.POSITIVE_INFINITY};
    ActivationSummary s = summarize(x, 1, 2, all(1));
    assertEquals(2, s.count());
    assertEquals(2, s.nonFiniteCount());
    assertTrue(Double.isNaN(s.mean()));
    assertTrue(Double.isNaN(s.std()));
    assertTrue(Double.isNaN(s.absMax()));
    assertEquals(0.0, s.zeroFraction(), 0.0);
    assertEquals(0, s.massiveCount());
  }

  @Test
  void paddedPositionsAreIgnored() {
    // Position 1 is padded; only {1, 2, 3, 4} and {-1, 0, 0, 7} count, as in the hand example.
    float[] x = {1, 2, 3, 4, 9e9f, Float.NaN, 0, 1e4f, -1, 0, 0, 7};
    boolean[] valid = {true, false, true};
    ActivationSummary s = summarize(x, 3, 4, valid);
    assertEquals(8, s.count());
    assertEquals(2.0, s.mean(), EPS);
    assertEquals(2.449489743, s.std(), EPS);
    assertEquals(7.0, s.absMax(), 0.0);
    assertEquals(0.25, s.zeroFraction(), 0.0);
    assertEquals(0.125, s.outlierFraction(), 0.0);
    assertEquals(0, s.massiveCount());
    assertEquals(0, s.nonFiniteCount());
  }

  @Test
  void allPadding() {
    ActivationSummary s = summarize(new float[] {1, 2, 3, 4}, 2, 2, new boolean[2]);
    assertEquals(0, s.count());
    assertTrue(Double.isNaN(s.mean()));
    assertTrue(Double.isNaN(s.std()));
    assertTrue(Double.isNaN(s.absMax()));
    assertTrue(Double.isNaN(s.zeroFraction()));
    assertTrue(Double.isNaN(s.outlierFraction()));
    assertEquals(0, s.massiveCount());
    assertEquals(0, s.nonFiniteCount());
  }

  @Test
  void stableForLargeOffsets() {
    // 10000001..10000004 (exact in float): mean 10000002.5; deviations +-0.5, +-1.5;
    // variance (0.25 + 2.25) * 2 / 4 = 1.25. E[x^2] - E[x]^2 would lose this in double.
    float[] x = {10000001f, 10000002f, 10000003f, 10000004f};
    ActivationSummary s = summarize(x, 1, 4, all(1));
    assertEquals(10000002.5, s.mean(), 1e-9);
    assertEquals(Math.sqrt(1.25), s.std(), 1e-9);
  }

  @Test
  void offsetAndReuse() {
    // Offset 3, then the hand example; the summary object and the scratch buffer are reused.
    float[] x = {99, 99, 99, 1, 2, 3, 4, -1, 0, 0, 7, 99};
    ActivationSummary s = new ActivationSummary();
    // First a large state with a massive value (grows the scratch buffer) ...
    float[] big = new float[1000];
    Arrays.fill(big, 0.01f);
    big[500] = 200f;
    assertEquals(1, stats.summarize(big, 0, 10, 100, all(10), s).massiveCount());
    // ... then a small one: every field is overwritten, nothing is left from the first call.
    assertSame(s, stats.summarize(x, 3, 2, 4, all(2), s));
    assertEquals(8, s.count());
    assertEquals(2.0, s.mean(), EPS);
    assertEquals(0, s.massiveCount());
    // and a small one with a massive value: the median uses only this state's 4 values.
    // abs {0.5, 0.5, 0.5, 600}: median 0.5, threshold 500; 600 is massive.
    float[] small = {0.5f, -0.5f, 600f, 0.5f};
    assertEquals(1, stats.summarize(small, 0, 1, 4, all(1), s).massiveCount());
  }

  @Test
  void shapeErrorsThrow() {
    ActivationSummary s = new ActivationSummary();
    assertThrows(
        IndexOutOfBoundsException.class, () -> stats.summarize(new float[7], 0, 2, 4, all(2), s));
    assertThrows(
        IndexOutOfBoundsException.class, () -> stats.summarize(new float[8], 1, 2, 4, all(2), s));
    assertThrows(
        IndexOutOfBoundsException.class, () -> stats.summarize(new float[8], 0, 2, 4, all(1), s));
    assertThrows(
        IllegalArgumentException.class, () -> stats.summarize(new float[8], 0, -1, 4, all(2), s));
  }

  @Test
  void selectFindsOrderStatistics() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + rnd.nextInt(60);
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        // few distinct values: many ties, the hard case for partitioning
        a[i] = rnd.nextInt(trial % 2 == 0 ? 4 : 1000);
      }
      float[] sorted = a.clone();
      Arrays.sort(sorted);
      int k = rnd.nextInt(n);
      assertEquals(sorted[k], ActivationStatistics.select(a.clone(), n, k));
      double median =
          (n % 2 == 1) ? sorted[n / 2] : ((double) sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      assertEquals(median, ActivationStatistics.median(a.clone(), n));
    }
    // Sorted and reverse-sorted inputs of some size (quickselect's classic bad cases).
    float[] asc = new float[10001];
    for (int i = 0; i < asc.length; i++) {
      asc[i] = i;
    }
    assertEquals(5000.0, ActivationStatistics.median(asc.clone(), asc.length));
    float[] desc = new float[10000];
    for (int i = 0; i < desc.length; i++) {
      desc[i] = desc.length - i;
    }
    // values 1..10000: middle two 5000 and 5001
    assertEquals(5000.5, ActivationStatistics.median(desc, desc.length));
  }

  @Test
  void randomisedAgainstNaiveReference() {
    Random rnd = new Random(11L);
    ActivationSummary s = new ActivationSummary();
    for (int trial = 0; trial < 1000; trial++) {
      int t = 1 + rnd.nextInt(12);
      int width = 1 + rnd.nextInt(50);
      int offset = rnd.nextInt(5);
      boolean[] valid = new boolean[t];
      for (int i = 0; i < t; i++) {
        valid[i] = rnd.nextInt(5) != 0;
      }
      float[] x = new float[offset + t * width];
      double scale = Math.exp(rnd.nextGaussian() * 2);
      for (int k = 0; k < x.length; k++) {
        int kind = rnd.nextInt(100);
        if (kind < 2) {
          x[k] = Float.NaN;
        } else if (kind < 3) {
          x[k] = rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        } else if (kind < 13) {
          x[k] = 0f;
        } else if (kind < 15) {
          x[k] = (float) (rnd.nextGaussian() * 500); // sometimes massive
        } else {
          x[k] = (float) (rnd.nextGaussian() * scale + rnd.nextGaussian());
        }
      }
      ZeroRule rule = rnd.nextBoolean() ? ZeroRule.EXACTLY_ZERO : ZeroRule.NON_POSITIVE;
      stats.summarize(x, offset, t, width, valid, rule, s);
      assertMatchesNaive(x, offset, t, width, valid, rule, s, "trial " + trial);
    }
  }

  /** The definitions read literally, with a sort for the median. */
  private static void assertMatchesNaive(
      float[] x,
      int offset,
      int t,
      int width,
      boolean[] valid,
      ZeroRule rule,
      ActivationSummary s,
      String what) {
    int count = 0;
    int nonFinite = 0;
    int zeros = 0;
    int outliers = 0;
    double[] finite = new double[t * width];
    int m = 0;
    for (int p = 0; p < t; p++) {
      for (int c = 0; c < width && valid[p]; c++) {
        float v = x[offset + p * width + c];
        count++;
        if (Float.isNaN(v) || Float.isInfinite(v)) {
          nonFinite++;
          continue;
        }
        finite[m++] = v;
        if (rule == ZeroRule.EXACTLY_ZERO ? v == 0 : v <= 0) {
          zeros++;
        }
        if (Math.abs(v) >= 6.0) {
          outliers++;
        }
      }
    }
    assertEquals(count, s.count(), what);
    assertEquals(nonFinite, s.nonFiniteCount(), what);
    if (count == 0) {
      assertTrue(Double.isNaN(s.mean()) && Double.isNaN(s.zeroFraction()), what);
      return;
    }
    assertEquals((double) zeros / count, s.zeroFraction(), 1e-12, what);
    assertEquals((double) outliers / count, s.outlierFraction(), 1e-12, what);
    if (m == 0) {
      assertTrue(Double.isNaN(s.mean()) && Double.isNaN(s.std()), what);
      return;
    }
    double sum = 0;
    double absMax = 0;
    for (int k = 0; k < m; k++) {
      sum += finite[k];
      absMax = Math.max(absMax, Math.abs(finite[k]));
    }
    double mean = sum / m;
    double sq = 0;
    for (int k = 0; k < m; k++) {
      sq += (finite[k] - mean) * (finite[k] - mean);
    }
    double std = Math.sqrt(sq / m);
    assertEquals(mean, s.mean(), 1e-6 * Math.max(1, Math.abs(mean)), what);
    assertEquals(std, s.std(), 1e-6 * Math.max(1, std), what);
    assertEquals(absMax, s.absMax(), 0.0, what);
    double[] abs = new double[m];
    for (int k = 0; k < m; k++) {
      abs[k] = Math.abs(finite[k]);
    }
    Arrays.sort(abs);
    double median = m % 2 == 1 ? abs[m / 2] : (abs[m / 2 - 1] + abs[m / 2]) / 2;
    int massive = 0;
    for (int k = 0; k < m; k++) {
      if (abs[k] > 100 && abs[k] >= 1000 * median) {
        massive++;
      }
    }
    assertEquals(massive, s.massiveCount(), what);
  }
}
