package io.headwatch.collector.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RobustStatsTest {
  private static final double EPS = 1e-12;

  @Test
  void medianAndMadOfAnOddSampleIgnoreTheOutlier() {
    double[] v = {4, 1, 100, 3, 2};
    double median = RobustStats.median(v, 5);
    assertEquals(3.0, median, EPS);
    // |x - 3| = 1, 2, 97, 0, 1 -> sorted 0, 1, 1, 2, 97 -> 1
    assertEquals(1.0, RobustStats.mad(v, 5, median), EPS);
  }

  @Test
  void medianOfAnEvenSampleAveragesTheMiddlePair() {
    double[] v = {4, 1, 3, 2};
    double median = RobustStats.median(v, 4);
    assertEquals(2.5, median, EPS);
    // |x - 2.5| = 1.5, 1.5, 0.5, 0.5 -> median 1.0
    assertEquals(1.0, RobustStats.mad(v, 4, median), EPS);
  }

  @Test
  void robustZScalesMadToSigma() {
    // |10 - 3| / (1.4826 * 1)
    assertEquals(7 / 1.4826, RobustStats.robustZ(10, 3, 1), EPS);
    assertEquals(4.72143531633617, RobustStats.robustZ(10, 3, 1), 1e-12);
  }

  @Test
  void madFloorKeepsAConstantHeadFinite() {
    double[] v = {0.5, 0.5, 0.5};
    double median = RobustStats.median(v, 3);
    double mad = RobustStats.mad(v, 3, median);
    assertEquals(0.0, mad, EPS);
    double z = RobustStats.robustZ(0.6, median, mad);
    // 0.1 / (1.4826 * 0.001) = 67.4490759...
    assertEquals(0.1 / (1.4826 * 0.001), z, 1e-9);
    assertTrue(Double.isFinite(z));
    assertEquals(0.0, RobustStats.robustZ(0.5, median, mad), EPS);
  }

  @Test
  void emptySampleHasNoMedian() {
    assertTrue(Double.isNaN(RobustStats.median(new double[0], 0)));
  }
}
