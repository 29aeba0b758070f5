package io.headwatch.collector.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TailCalibrationTest {
  /** 1, 2, ..., 100. */
  private static double[] oneToHundred() {
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) {
      v[i] = i + 1;
    }
    return v;
  }

  @Test
  void insideTheBodyItIsTheConformalShareAtLeastAsHigh() {
    double[] s = oneToHundred();
    // 51 values are >= 50: (1 + 51) / 101.
    assertEquals(52.0 / 101, TailCalibration.tailProbability(s, 100, 50, 0.01), 1e-12);
    // Everything is >= 0.5: (1 + 100) / 101 = 1.
    assertEquals(1.0, TailCalibration.tailProbability(s, 100, 0.5, 0.01), 1e-12);
  }

  @Test
  void beyondTheTailStartItFallsExponentially() {
    double[] s = oneToHundred();
    // Tail: the top 10 values 91..100, u = 91, mean excess (0 + 1 + ... + 9) / 10 = 4.5.
    // p(100) = 10/101 * exp(-9 / 4.5); p(127) = 10/101 * exp(-36 / 4.5).
    assertEquals(
        10.0 / 101 * Math.exp(-2), TailCalibration.tailProbability(s, 100, 100, 0.01), 1e-12);
    assertEquals(
        10.0 / 101 * Math.exp(-8), TailCalibration.tailProbability(s, 100, 127, 0.01), 1e-15);
  }

  @Test
  void edgeCases() {
    double[] s = oneToHundred();
    assertEquals(0.0, TailCalibration.tailProbability(s, 100, Double.POSITIVE_INFINITY, 0.01));
    assertTrue(Double.isNaN(TailCalibration.tailProbability(s, 100, Double.NaN, 0.01)));
    assertTrue(Double.isNaN(TailCalibration.tailProbability(s, 0, 3, 0.01)));
    // All equal: the excess is 0, so the floor decides: 5/6 * exp(-(2 - 1) / 0.5).
    double[] same = {1, 1, 1, 1, 1};
    assertEquals(5.0 / 6 * Math.exp(-2), TailCalibration.tailProbability(same, 5, 2, 0.5), 1e-12);
  }

  @Test
  void sortedFiniteDropsNaNAndInfinity() {
    double[] out =
        TailCalibration.sortedFinite(
            new double[] {3, Double.NaN, 1, Double.NEGATIVE_INFINITY, 2}, 5);
    assertEquals(3, out.length);
    assertEquals(1, out[0]);
    assertEquals(3, out[2]);
  }
}
