package io.headwatch.collector.baseline;

import java.util.Arrays;

/** Median and median absolute deviation, the robust centre and spread baselines use. */
public final class RobustStats {
  /** Scales MAD to the standard deviation of a normal distribution. */
  public static final double MAD_TO_SIGMA = 1.4826;

  /**
   * Smallest MAD a z-score divides by. Without it a head whose statistic never moved (MAD 0) would
   * turn any tiny difference into an infinite z; 0.001 is well below the resolution that matters
   * for statistics in [0, 1] and for distances in tokens.
   */
  public static final double MAD_FLOOR = 1e-3;

  private RobustStats() {}

  /** Median of the first {@code n} values; sorts them in place. NaN if n is 0. */
  public static double median(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    Arrays.sort(values, 0, n);
    int mid = n / 2;
    return n % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
  }

  /** Median absolute deviation from {@code median} of the first n values; reorders them. */
  public static double mad(double[] values, int n, double median) {
    for (int i = 0; i < n; i++) {
      values[i] = Math.abs(values[i] - median);
    }
    return median(values, n);
  }

  /** Robust z-score: |x - median| / (1.4826 * max(MAD, MAD_FLOOR)). */
  public static double robustZ(double x, double median, double mad) {
    return Math.abs(x - median) / (MAD_TO_SIGMA * Math.max(mad, MAD_FLOOR));
  }
}
