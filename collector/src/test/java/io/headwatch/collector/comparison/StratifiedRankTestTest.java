package io.headwatch.collector.comparison;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stratified rank test on hand-computed cases, and against a brute-force pairwise computation
 * of AUC and DeLong's variance written independently here.
 */
class StratifiedRankTestTest {
  @Test
  void completeSeparationInOneStratum() {
    // wrong {3,4,5}, right {1,2}: W = 3+4+5 = 12, E = 3*6/2 = 9, Var = 3*2/12*6 = 3, z = 3/sqrt(3).
    StratifiedRankTest.Result r =
        StratifiedRankTest.compare(
            new double[] {3, 4, 5, 1, 2},
            new boolean[] {true, true, true, false, false},
            new int[] {0, 0, 0, 0, 0});
    assertEquals(1.0, r.auc(), 1e-12);
    assertEquals(1.0, r.delta(), 1e-12);
    assertEquals(Math.sqrt(3), r.z(), 1e-12);
    // 2 * (1 - Phi(1.7320508)) = 0.0832645 (normal table).
    assertEquals(0.0832645, r.p(), 1e-6);
    assertEquals(6, r.pairs());
    // Every placement value is 1 or 0: DeLong's variance is 0, the interval a point.
    assertEquals(1.0, r.aucLow(), 1e-12);
    assertEquals(1.0, r.aucHigh(), 1e-12);
  }

  @Test
  void tiesCountHalf() {
    // wrong {1,2}, right {2,3}: of 4 pairs only (2,2) is not lower: a tie, 0.5 -> AUC 0.125.
    StratifiedRankTest.Result r =
        StratifiedRankTest.compare(
            new double[] {1, 2, 2, 3}, new boolean[] {true, true, false, false}, new int[4]);
    assertEquals(0.125, r.auc(), 1e-12);
    // Mid-ranks 1, 2.5, 2.5, 4: W = 3.5, E = 5, ties Σ(t³−t) = 6,
    // Var = 2*2/12 * (5 - 6/(4*3)) = 1.5, z = -1.5/sqrt(1.5).
    assertEquals(-1.5 / Math.sqrt(1.5), r.z(), 1e-12);
  }

  @Test
  void lengthDifferencesAloneDoNotSeparate() {
    // Short inputs (stratum 0) have small values, long ones (stratum 9) large ones. Most wrong
    // predictions are long, most right ones short: unstratified, wrong looks larger. Within each
    // stratum the wrong value sits in the middle of the right ones: AUC 0.5, z 0.
    double[] values = {12, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 22};
    boolean[] wrong = {
      true, false, false, false, false, false, true, true, true, true, true, false
    };
    int[] strata = {0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9};
    StratifiedRankTest.Result r = StratifiedRankTest.compare(values, wrong, strata);
    assertEquals(0.5, r.auc(), 1e-12);
    assertEquals(0.0, r.z(), 1e-12);
    assertEquals(1.0, r.p(), 1e-9);
    StratifiedRankTest.Result pooled = StratifiedRankTest.compare(values, wrong, new int[12]);
    assertTrue(pooled.auc() > 0.8, "pooled, the length difference looks like an effect");
  }

  @Test
  void stratumWithOneGroupAndNaNsAreLeftOut() {
    StratifiedRankTest.Result r =
        StratifiedRankTest.compare(
            new double[] {3, 4, 5, 1, 2, 100, Double.NaN},
            new boolean[] {true, true, true, false, false, true, false},
            new int[] {0, 0, 0, 0, 0, 1, 0});
    assertEquals(3, r.wrongCount());
    assertEquals(2, r.rightCount());
    assertEquals(1.0, r.auc(), 1e-12);
  }

  @Test
  void aucAndIntervalMatchABruteForcePairwiseComputation() {
    Random random = new Random(15);
    for (int round = 0; round < 50; round++) {
      int size = 30 + random.nextInt(100);
      double[] values = new double[size];
      boolean[] wrong = new boolean[size];
      int[] strata = new int[size];
      for (int i = 0; i < size; i++) {
        wrong[i] = random.nextBoolean();
        strata[i] = random.nextInt(3);
        // Rounded so that ties occur; wrong ones shifted a little.
        values[i] = Math.round((random.nextGaussian() + (wrong[i] ? 0.4 : 0)) * 4) / 4.0;
      }
      StratifiedRankTest.Result r = StratifiedRankTest.compare(values, wrong, strata);
      double[] expected = bruteForce(values, wrong, strata);
      assertEquals(expected[0], r.auc(), 1e-9, "AUC, round " + round);
      double se = Math.sqrt(expected[1]);
      assertEquals(Math.max(0, expected[0] - 1.959963984540054 * se), r.aucLow(), 1e-9);
      assertEquals(Math.min(1, expected[0] + 1.959963984540054 * se), r.aucHigh(), 1e-9);
    }
  }

  /** {AUC, variance}: pairs compared one by one, DeLong's placements per stratum. */
  private static double[] bruteForce(double[] v, boolean[] wrong, int[] strata) {
    double pairsTotal = 0;
    double uTotal = 0;
    List<double[]> perStratum = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      List<Double> w = new ArrayList<>();
      List<Double> r = new ArrayList<>();
      for (int i = 0; i < v.length; i++) {
        if (strata[i] == s) {
          (wrong[i] ? w : r).add(v[i]);
        }
      }
      if (w.isEmpty() || r.isEmpty()) {
        continue;
      }
      double[] v10 = new double[w.size()];
      double[] v01 = new double[r.size()];
      double u = 0;
      for (int i = 0; i < w.size(); i++) {
        for (int j = 0; j < r.size(); j++) {
          double k = w.get(i) > r.get(j) ? 1 : w.get(i).equals(r.get(j)) ? 0.5 : 0;
          u += k;
          v10[i] += k / r.size();
          v01[j] += k / w.size();
        }
      }
      double n = w.size();
      double m = r.size();
      double var = variance(v10) / n + variance(v01) / m;
      perStratum.add(new double[] {n * m, var});
      pairsTotal += n * m;
      uTotal += u;
    }
    double var = 0;
    for (double[] s : perStratum) {
      var += Math.pow(s[0] / pairsTotal, 2) * s[1];
    }
    return new double[] {uTotal / pairsTotal, var};
  }

  private static double variance(double[] x) {
    if (x.length < 2) {
      return 0;
    }
    double mean = 0;
    for (double d : x) {
      mean += d;
    }
    mean /= x.length;
    double ss = 0;
    for (double d : x) {
      ss += (d - mean) * (d - mean);
    }
    return ss / (x.length - 1);
  }

  @Test
  void normalTail() {
    assertEquals(1.0, Normal.twoSidedP(0), 1e-7);
    assertEquals(0.05, Normal.twoSidedP(1.959963984540054), 1e-7);
    assertEquals(0.01, Normal.twoSidedP(2.5758293035489), 1e-8);
    // 2 * (1 - Phi(6)) = 1.973175e-9: relative accuracy far in the tail.
    assertEquals(1.973175e-9, Normal.twoSidedP(6), 1e-9 * 1e-3);
  }

  @Test
  void benjaminiHochberg() {
    // Sorted 0.01, 0.03, 0.04, 0.5 (m = 4): p*m/k = 0.04, 0.06, 0.0533, 0.5; then running minima
    // from the largest: 0.5, 0.0533, 0.0533, 0.04.
    double[] q = FalseDiscovery.adjust(new double[] {0.01, 0.04, 0.03, 0.5, Double.NaN});
    assertArrayEquals(new double[] {0.04, 0.16 / 3, 0.16 / 3, 0.5, Double.NaN}, q, 1e-12);
  }

  @Test
  void lengthStrataAreHalfOctaves() {
    assertEquals(0, LengthStrata.of(1));
    assertEquals(2, LengthStrata.of(2));
    assertEquals(4, LengthStrata.of(4));
    assertEquals(4, LengthStrata.of(5));
    assertEquals(5, LengthStrata.of(6));
    assertEquals(6, LengthStrata.of(8));
    assertEquals(6, LengthStrata.of(11));
    assertEquals(7, LengthStrata.of(12));
    assertEquals(LengthStrata.UNKNOWN, LengthStrata.of(Double.NaN));
    assertEquals(8, LengthStrata.from(6));
    assertEquals(11, LengthStrata.to(6));
    assertEquals(16, LengthStrata.from(8));
    assertEquals(22, LengthStrata.to(8));
  }
}
