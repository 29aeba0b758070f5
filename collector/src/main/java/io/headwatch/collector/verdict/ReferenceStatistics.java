package io.headwatch.collector.verdict;

import java.util.Arrays;

/**
 * Per feature, how the baseline predictions of similar length are distributed: median, robust
 * scale, and the shape of the tail of their own deviations, so that a new value can be turned into
 * a deviation (robust z) and a surprise (-log10 of the estimated share of similar clean predictions
 * that deviate at least as much on that feature).
 *
 * <p>Why a per-feature tail: the statistics differ in how heavy their tails are. Some attention
 * statistics of clean traffic jump with the text (a question mark at the end moves the last-token
 * mass of several heads), so a plain z-score of 20 can be ordinary for one head and a fault for
 * another. Each feature's tail is fitted on its reference: the top {@code 1 - TAIL_QUANTILE} of the
 * reference's own |z| start the tail at {@code u}, and their mean excess over {@code u} (without
 * the largest) is the scale {@code beta} of an exponential tail. A value with {@code |z| <= u} has
 * surprise 0; beyond, the surprise is {@code -log10(1 - TAIL_QUANTILE) + (|z| - u) / (beta ln 10)}.
 */
final class ReferenceStatistics {
  /** Scales a MAD to the standard deviation of a normal distribution. */
  static final double MAD_TO_SIGMA = 1.4826;

  /**
   * Smallest scale, relative to max(1, |median|): a statistic that never moved (MAD 0) would
   * otherwise turn any difference into an infinite z.
   */
  static final double RELATIVE_SCALE_FLOOR = 1e-3;

  /** Where each feature's tail starts, as a quantile of the reference's |z|. */
  static final double TAIL_QUANTILE = 0.9;

  /**
   * Smallest mean excess of |z| in the tail. A normal distribution's is about 0.45 above its 90th
   * percentile; 0.5 keeps a tail fitted on a few values from being sharper than a normal one.
   */
  static final double MIN_TAIL_SCALE = 0.5;

  private static final double BODY_SURPRISE = -Math.log10(1 - TAIL_QUANTILE);
  private static final double LN10 = Math.log(10);

  private final float[] median;
  private final float[] scale;
  private final float[] tailStart;
  private final float[] tailScale;
  private final int[] lengths;
  private final double medianLengthRatio;
  private final long version;

  private ReferenceStatistics(
      float[] median,
      float[] scale,
      float[] tailStart,
      float[] tailScale,
      int[] lengths,
      double medianLengthRatio,
      long version) {
    this.median = median;
    this.scale = scale;
    this.tailStart = tailStart;
    this.tailScale = tailScale;
    this.lengths = lengths;
    this.medianLengthRatio = medianLengthRatio;
    this.version = version;
  }

  /**
   * Builds the reference from the chosen rows.
   *
   * @param rows the baseline rows (features), indexed by {@code chosen}
   * @param chosen indices of the reference rows
   * @param lengths token counts of the chosen rows (for reporting)
   * @param length the length the reference stands for
   * @param features row width
   * @param version the baseline's admission count when built (for staleness)
   */
  static ReferenceStatistics build(
      float[][] rows, int[] chosen, int[] lengths, int length, int features, long version) {
    int k = chosen.length;
    float[] median = new float[features];
    float[] scale = new float[features];
    float[] tailStart = new float[features];
    float[] tailScale = new float[features];
    double[] values = new double[k];
    double[] deviations = new double[k];
    for (int f = 0; f < features; f++) {
      int n = 0;
      for (int r : chosen) {
        float v = rows[r][f];
        if (Float.isFinite(v)) {
          values[n++] = v;
        }
      }
      if (n * 2 < k || n == 0) {
        // Mostly non-finite or missing in clean traffic: not a feature of this model.
        median[f] = Float.NaN;
        continue;
      }
      Arrays.sort(values, 0, n);
      double med = medianOfSorted(values, n);
      for (int i = 0; i < n; i++) {
        deviations[i] = Math.abs(values[i] - med);
      }
      Arrays.sort(deviations, 0, n);
      double mad = medianOfSorted(deviations, n);
      double s = Math.max(MAD_TO_SIGMA * mad, RELATIVE_SCALE_FLOOR * Math.max(1.0, Math.abs(med)));
      // deviations are sorted, so |z| of the reference rows are deviations / s in order.
      int tailFrom = Math.min(n - 1, (int) Math.ceil(TAIL_QUANTILE * n) - 1);
      double u = deviations[tailFrom] / s;
      // Tail scale: the mean excess over u of the values beyond it, the exponential's maximum-
      // likelihood scale. (A trimmed mean, without the largest excess, was tried: it resists one
      // wild row in the reference but made clean scores heavier-tailed and detection weaker on
      // the fault-injection evaluation; see BENCHMARKS.md.)
      double excess = 0;
      int count = 0;
      for (int i = tailFrom + 1; i < n; i++) {
        double z = deviations[i] / s;
        if (z > u) {
          excess += z - u;
          count++;
        }
      }
      double beta = count == 0 ? MIN_TAIL_SCALE : Math.max(MIN_TAIL_SCALE, excess / count);
      median[f] = (float) med;
      scale[f] = (float) s;
      tailStart[f] = (float) u;
      tailScale[f] = (float) beta;
    }
    double[] ratios = new double[k];
    for (int i = 0; i < k; i++) {
      ratios[i] = Math.abs(Math.log(Math.max(1, lengths[i]) / (double) Math.max(1, length)));
    }
    Arrays.sort(ratios);
    double medianRatio = Math.exp(medianOfSorted(ratios, k));
    return new ReferenceStatistics(
        median, scale, tailStart, tailScale, lengths.clone(), medianRatio, version);
  }

  static double medianOfSorted(double[] sorted, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    int mid = n / 2;
    return n % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }

  /** Whether the baseline has this feature (finite in at least half the reference). */
  boolean usable(int f) {
    return !Float.isNaN(median[f]);
  }

  double median(int f) {
    return median[f];
  }

  /** Signed robust z of {@code x}; NaN when the feature is not usable or x is not finite. */
  double deviation(int f, double x) {
    if (!usable(f) || !Double.isFinite(x)) {
      return Double.NaN;
    }
    return (x - median[f]) / scale[f];
  }

  /** Surprise of a deviation {@code z} on feature {@code f}: 0 inside the body of its reference. */
  double surprise(int f, double z) {
    double a = Math.abs(z);
    if (Double.isNaN(a) || a <= tailStart[f]) {
      return 0.0;
    }
    return BODY_SURPRISE + (a - tailStart[f]) / (tailScale[f] * LN10);
  }

  /**
   * Median over the reference rows of max(length, L) / min(length, L): how far in length the
   * reference is from the prediction.
   */
  double medianLengthRatio() {
    return medianLengthRatio;
  }

  /** Token counts of the reference rows. */
  int[] lengths() {
    return lengths.clone();
  }

  long version() {
    return version;
  }

  /** Bytes this reference holds, for the budget. */
  static long bytes(int features, int neighbours) {
    return 16L * features + 4L * neighbours + 64;
  }
}
