package io.headwatch.collector.api;

import java.util.Arrays;

/**
 * Summaries of a head's values for the model page: quantiles of one set, and a histogram of two
 * sets (baseline and now) over the same bins, so they can be drawn one over the other.
 */
final class Distributions {
  /** Bins of a histogram. */
  static final int BINS = 20;

  /** The quantiles a summary reports, as fractions. */
  static final double[] QUANTILES = {0.05, 0.25, 0.5, 0.75, 0.95};

  private Distributions() {}

  /**
   * The q-quantile of sorted values, interpolating linearly between the two nearest ranks (the
   * definition numpy calls "linear"); NaN for no values.
   */
  static double quantile(float[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double at = q * (sorted.length - 1);
    int lo = (int) Math.floor(at);
    int hi = (int) Math.ceil(at);
    return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
  }

  static float[] sorted(float[] values) {
    float[] s = values.clone();
    Arrays.sort(s);
    return s;
  }

  /**
   * {@link #BINS} + 1 equal-width edges over the range of both sets; a range of zero width (every
   * value equal) is widened around the value so that it falls in the middle bin.
   */
  static double[] edges(float[] a, float[] b) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (float[] set : new float[][] {a, b}) {
      for (float v : set) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) {
      return new double[0];
    }
    if (hi - lo < 1e-9) {
      double pad = Math.max(Math.abs(lo), 1e-3) * 0.5;
      lo -= pad;
      hi += pad;
    }
    double[] edges = new double[BINS + 1];
    for (int i = 0; i <= BINS; i++) {
      edges[i] = lo + i * (hi - lo) / BINS;
    }
    edges[BINS] = hi;
    return edges;
  }

  /** How many values fall in each bin; the last bin includes its upper edge. */
  static int[] counts(float[] values, double[] edges) {
    int[] counts = new int[Math.max(0, edges.length - 1)];
    if (counts.length == 0) {
      return counts;
    }
    double lo = edges[0];
    double width = edges[edges.length - 1] - lo;
    for (float v : values) {
      int bin = (int) Math.floor((v - lo) / width * counts.length);
      counts[Math.max(0, Math.min(counts.length - 1, bin))]++;
    }
    return counts;
  }
}
