package io.headwatch.collector.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceStatisticsTest {
  /** Ten rows of two features: feature 0 is 1..10, feature 1 is NaN in 6 of 10 rows. */
  private static ReferenceStatistics tenRows() {
    float[][] rows = new float[10][];
    int[] chosen = new int[10];
    int[] lengths = new int[10];
    for (int i = 0; i < 10; i++) {
      rows[i] = new float[] {i + 1, i < 6 ? Float.NaN : 5f};
      chosen[i] = i;
      lengths[i] = 10 + i;
    }
    return ReferenceStatistics.build(rows, chosen, lengths, 10, 2, 0);
  }

  @Test
  void medianScaleAndDeviation() {
    ReferenceStatistics r = tenRows();
    // Median of 1..10 is 5.5; |x - 5.5| = 4.5, 3.5, ..., 0.5, 0.5, ..., 4.5: MAD = 2.5.
    assertEquals(5.5, r.median(0), 1e-6);
    double scale = 1.4826 * 2.5;
    assertEquals((9.0 - 5.5) / scale, r.deviation(0, 9.0), 1e-5);
    assertEquals(-(5.5 - 1.0) / scale, r.deviation(0, 1.0), 1e-5);
  }

  @Test
  void tailStartAndSurprise() {
    ReferenceStatistics r = tenRows();
    double scale = 1.4826 * 2.5;
    // Sorted |x - median|: 0.5 0.5 1.5 1.5 2.5 2.5 3.5 3.5 4.5 4.5; the 90 % quantile is the 9th,
    // 4.5, so u = 4.5 / scale; nothing is above u, so the tail scale is the floor 0.5.
    double u = 4.5 / scale;
    assertEquals(0.0, r.surprise(0, u * 0.999));
    double z = u + 2;
    // u is stored as a float: allow for its rounding.
    assertEquals(1 + 2 / (0.5 * Math.log(10)), r.surprise(0, z), 1e-5);
    assertEquals(r.surprise(0, z), r.surprise(0, -z), 1e-12, "two-sided");
  }

  @Test
  void aFeatureMostlyMissingInTheReferenceIsNotUsable() {
    ReferenceStatistics r = tenRows();
    assertFalse(r.usable(1));
    assertTrue(Double.isNaN(r.deviation(1, 5.0)));
    assertTrue(r.usable(0));
  }

  @Test
  void aConstantFeatureUsesTheRelativeFloor() {
    float[][] rows = {{2f}, {2f}, {2f}, {2f}};
    ReferenceStatistics r =
        ReferenceStatistics.build(rows, new int[] {0, 1, 2, 3}, new int[] {5, 5, 5, 5}, 5, 1, 0);
    // MAD 0: scale = 1e-3 * max(1, |2|) = 0.002.
    assertEquals(0.5 / 0.002, r.deviation(0, 2.5), 1e-3);
  }

  @Test
  void medianLengthRatio() {
    ReferenceStatistics r = tenRows();
    // Lengths 10..19 against 10: ratios 1.0..1.9, median (1.4 + 1.5) / 2 in log space.
    assertEquals(Math.exp((Math.log(1.4) + Math.log(1.5)) / 2), r.medianLengthRatio(), 1e-9);
  }
}
