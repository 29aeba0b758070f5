package io.headwatch.collector.comparison;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares one statistic's values in wrong and right predictions within strata (input-length bins),
 * without assuming any distribution:
 *
 * <ul>
 *   <li><b>AUC</b>: over the pairs (a wrong prediction, a right one) of the same stratum, the share
 *       in which the wrong one has the larger value (ties count half). 0.5: no separation; 1: every
 *       wrong value above every right one of the same length; 0: every one below.
 *   <li><b>Cliff's delta</b> = 2 AUC − 1, in [−1, 1], with a 95 % confidence interval from the
 *       AUC's standard error: DeLong's placement-value variance within each stratum, combined with
 *       the strata's pair-count weights.
 *   <li><b>p-value</b>: van Elteren's stratified Wilcoxon rank-sum test (each stratum's rank sum
 *       weighted by 1 / (its size + 1), mid-ranks and the tie correction of the variance),
 *       two-sided, by the normal approximation.
 * </ul>
 *
 * NaN values are left out. Strata holding only one group contribute nothing.
 */
public final class StratifiedRankTest {
  private static final double Z_95 = 1.959963984540054;

  private StratifiedRankTest() {}

  /**
   * @param wrong values in wrong predictions
   * @param right values in right predictions
   * @param pairs same-stratum (wrong, right) pairs compared: the AUC's weight
   * @param wrongCount wrong values in strata that hold both groups (those compared)
   * @param rightCount right values in strata that hold both groups
   * @param auc the stratified AUC; NaN without pairs
   * @param aucLow lower end of its 95 % confidence interval
   * @param aucHigh upper end
   * @param z van Elteren's standardised statistic (positive: wrong values larger); NaN when every
   *     compared value ties
   * @param p two-sided p-value; NaN with z
   */
  public record Result(
      long pairs,
      int wrongCount,
      int rightCount,
      double auc,
      double aucLow,
      double aucHigh,
      double z,
      double p) {
    /** Cliff's delta, 2 AUC − 1. */
    public double delta() {
      return 2 * auc - 1;
    }

    public double deltaLow() {
      return 2 * aucLow - 1;
    }

    public double deltaHigh() {
      return 2 * aucHigh - 1;
    }
  }

  /**
   * @param values one value per prediction
   * @param wrong true for a wrong prediction, false for a right one
   * @param strata each prediction's stratum
   */
  public static Result compare(double[] values, boolean[] wrong, int[] strata) {
    Map<Integer, List<Integer>> byStratum = new TreeMap<>();
    for (int i = 0; i < values.length; i++) {
      if (!Double.isNaN(values[i])) {
        byStratum.computeIfAbsent(strata[i], k -> new ArrayList<>()).add(i);
      }
    }
    long pairs = 0;
    int wrongCount = 0;
    int rightCount = 0;
    double uSum = 0;
    double weightedDeviation = 0;
    double weightedVariance = 0;
    List<double[]> aucAndVariance = new ArrayList<>();
    for (List<Integer> members : byStratum.values()) {
      int size = members.size();
      double[] x = new double[size];
      boolean[] isWrong = new boolean[size];
      int n = 0;
      for (int k = 0; k < size; k++) {
        x[k] = values[members.get(k)];
        isWrong[k] = wrong[members.get(k)];
        n += isWrong[k] ? 1 : 0;
      }
      int m = size - n;
      if (n == 0 || m == 0) {
        continue;
      }
      double[] ranks = midRanks(x);
      double rankSum = 0;
      for (int k = 0; k < size; k++) {
        if (isWrong[k]) {
          rankSum += ranks[k];
        }
      }
      double u = rankSum - n * (n + 1) / 2.0;
      double ties = tieTerm(x);
      double variance = n * (double) m / 12.0 * ((size + 1) - ties / ((double) size * (size - 1)));
      double weight = 1.0 / (size + 1);
      weightedDeviation += weight * (rankSum - n * (size + 1) / 2.0);
      weightedVariance += weight * weight * variance;
      uSum += u;
      pairs += (long) n * m;
      wrongCount += n;
      rightCount += m;
      aucAndVariance.add(
          new double[] {u / ((double) n * m), delongVariance(x, isWrong, ranks, n, m), n * m});
    }
    if (pairs == 0) {
      return new Result(
          0, wrongCount, rightCount, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double auc = uSum / pairs;
    double variance = 0;
    for (double[] s : aucAndVariance) {
      double share = s[2] / pairs;
      variance += share * share * s[1];
    }
    double se = Math.sqrt(variance);
    double low = Math.max(0, auc - Z_95 * se);
    double high = Math.min(1, auc + Z_95 * se);
    double z = weightedVariance > 0 ? weightedDeviation / Math.sqrt(weightedVariance) : Double.NaN;
    double p = Double.isNaN(z) ? Double.NaN : Normal.twoSidedP(z);
    return new Result(pairs, wrongCount, rightCount, auc, low, high, z, p);
  }

  /** Ranks 1..n of the values, ties sharing the mean of their ranks. */
  static double[] midRanks(double[] x) {
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < x.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
    double[] ranks = new double[x.length];
    int i = 0;
    while (i < x.length) {
      int j = i;
      while (j + 1 < x.length && x[order[j + 1]] == x[order[i]]) {
        j++;
      }
      double mid = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = mid;
      }
      i = j + 1;
    }
    return ranks;
  }

  /** Σ (t³ − t) over the groups of tied values, for the rank-sum variance's tie correction. */
  private static double tieTerm(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    double sum = 0;
    int i = 0;
    while (i < s.length) {
      int j = i;
      while (j + 1 < s.length && s[j + 1] == s[i]) {
        j++;
      }
      double t = j - i + 1;
      sum += t * t * t - t;
      i = j + 1;
    }
    return sum;
  }

  /**
   * DeLong's variance of one stratum's AUC: var(V10) / n + var(V01) / m, where V10 of a wrong value
   * is the share of right values below it (ties half) and V01 of a right value the share of wrong
   * values above it. A group of one contributes no variance term of its own.
   */
  private static double delongVariance(
      double[] x, boolean[] isWrong, double[] ranks, int n, int m) {
    double[] wrongValues = new double[n];
    double[] rightValues = new double[m];
    int[] wrongAt = new int[n];
    int[] rightAt = new int[m];
    int a = 0;
    int b = 0;
    for (int k = 0; k < x.length; k++) {
      if (isWrong[k]) {
        wrongAt[a] = k;
        wrongValues[a++] = x[k];
      } else {
        rightAt[b] = k;
        rightValues[b++] = x[k];
      }
    }
    double[] wrongRanks = midRanks(wrongValues);
    double[] rightRanks = midRanks(rightValues);
    double[] v10 = new double[n];
    for (int i = 0; i < n; i++) {
      // Combined rank minus rank among its own group = right values below (ties half).
      v10[i] = (ranks[wrongAt[i]] - wrongRanks[i]) / m;
    }
    double[] v01 = new double[m];
    for (int j = 0; j < m; j++) {
      // Wrong values below or tied-half, subtracted from n: wrong values above (ties half).
      v01[j] = 1 - (ranks[rightAt[j]] - rightRanks[j]) / n;
    }
    return sampleVariance(v10) / n + sampleVariance(v01) / m;
  }

  private static double sampleVariance(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double mean = 0;
    for (double d : v) {
      mean += d;
    }
    mean /= v.length;
    double ss = 0;
    for (double d : v) {
      ss += (d - mean) * (d - mean);
    }
    return ss / (v.length - 1);
  }
}
