package io.headwatch.collector.verdict;

import java.util.Arrays;

/**
 * Tail probabilities from a sample: "what share of the sample is at least this high?", with the far
 * tail extrapolated so that values beyond the sample's largest still get a graded, small
 * probability instead of a floor of 1/(n+1).
 *
 * <p>Within the sample's body the estimate is the conformal share {@code (1 + #{x_i >= v}) / (n +
 * 1)}. Above the top {@link #TAIL_SHARE} of the sample (at least {@link #MIN_TAIL} values) it is
 * the peaks-over-threshold estimate with an exponential tail: {@code (m / (n + 1)) * exp(-(v - u) /
 * beta)}, where {@code u} is the smallest of the top {@code m} values and {@code beta} their mean
 * excess over {@code u} (Pickands 1975; the exponential is the generalised Pareto tail with shape
 * 0).
 */
final class TailCalibration {
  /** Share of the sample that forms the tail. */
  static final double TAIL_SHARE = 0.1;

  /** Fewest values in the tail. */
  static final int MIN_TAIL = 5;

  private TailCalibration() {}

  /**
   * Tail probability of {@code v} in the first {@code n} values of {@code sorted} (ascending,
   * finite). NaN for an empty sample or NaN {@code v}; 0 for +Infinity.
   *
   * @param minExcess floor for the tail's mean excess, in the sample's units: keeps a sample whose
   *     top values are all equal from claiming certainty just above them
   */
  static double tailProbability(double[] sorted, int n, double v, double minExcess) {
    if (n == 0 || Double.isNaN(v)) {
      return Double.NaN;
    }
    if (v == Double.POSITIVE_INFINITY) {
      return 0.0;
    }
    int m = Math.min(n, Math.max(MIN_TAIL, (int) (TAIL_SHARE * n)));
    double u = sorted[n - m];
    if (v <= u) {
      int atLeast = n - lowerBound(sorted, n, v);
      return Math.min(1.0, (1.0 + atLeast) / (n + 1.0));
    }
    double excess = 0;
    for (int i = n - m; i < n; i++) {
      excess += sorted[i] - u;
    }
    double beta = Math.max(excess / m, minExcess);
    return (m / (n + 1.0)) * Math.exp(-(v - u) / beta);
  }

  /** First index in {@code sorted[0..n)} whose value is {@code >= v}. */
  static int lowerBound(double[] sorted, int n, double v) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The finite values among the first {@code n} of {@code values}, sorted ascending. */
  static double[] sortedFinite(double[] values, int n) {
    double[] out = new double[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(values[i])) {
        out[k++] = values[i];
      }
    }
    double[] result = Arrays.copyOf(out, k);
    Arrays.sort(result);
    return result;
  }
}
