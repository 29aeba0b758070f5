package io.headwatch.agent.stats;

import java.util.Arrays;
import java.util.Objects;

/**
 * Activation statistics of one hidden state, as defined in {@code docs/statistics.md}.
 *
 * <p>Input layout: {@code [seqLen][width]} row-major from {@code offset} in a {@code float[]}, with
 * a {@code boolean[] valid} of length {@code seqLen}; rows at padded positions are not read.
 * Results go into a reusable {@link ActivationSummary}:
 *
 * <ul>
 *   <li>count: every value at a valid position, NaN and infinities included;
 *   <li>mean, population standard deviation and absolute maximum of the finite values, computed in
 *       double with two passes (mean first, then squared deviations), so large offsets do not
 *       cancel the variance;
 *   <li>zero fraction: share of values exactly 0 ({@link ZeroRule#EXACTLY_ZERO}, dead ReLU units),
 *       or {@code <= 0} ({@link ZeroRule#NON_POSITIVE}, the per-site choice for GELU);
 *   <li>outlier fraction: share of finite values with {@code abs >= 6.0} (LLM.int8());
 *   <li>massive count: finite values with {@code abs > 100} and {@code abs >= 1000 x} the median
 *       absolute finite value of this hidden state (Sun et al. 2024). The median is computed only
 *       when some value exceeds 100. When more than half of the values are 0 the median is 0 and
 *       every value above 100 is massive;
 *   <li>non-finite count: NaN, +Inf and -Inf.
 * </ul>
 *
 * <p>An instance holds a scratch buffer for the median, grown on demand and then reused, so it is
 * <b>not thread-safe</b>: use one instance per thread. Besides that buffer's growth nothing is
 * allocated.
 */
public final class ActivationStatistics {

  /** Absolute value at and above which a value is an outlier feature (LLM.int8()). */
  public static final double OUTLIER_THRESHOLD = 6.0;

  /** Absolute value a massive activation must exceed. */
  public static final double MASSIVE_MIN_ABS = 100.0;

  /** How many times the median absolute value a massive activation must at least be. */
  public static final double MASSIVE_MEDIAN_RATIO = 1000.0;

  /** Which values the zero fraction counts. */
  public enum ZeroRule {
    /** Values exactly 0 (either sign): dead units after ReLU. */
    EXACTLY_ZERO,
    /** Values {@code <= 0}: the reading after GELU, whose outputs are rarely exactly 0. */
    NON_POSITIVE
  }

  private float[] scratch = new float[0];

  /** Creates an instance with an empty scratch buffer. */
  public ActivationStatistics() {}

  /**
   * Summarises one hidden state, counting exact zeros ({@link ZeroRule#EXACTLY_ZERO}).
   *
   * @param x activations, {@code [seqLen][width]} row-major from offset
   * @param offset index of the first value of position 0 in {@code x}
   * @param seqLen number of positions, {@code >= 0}
   * @param width values per position, {@code >= 0}
   * @param valid attention mask as booleans, length at least {@code seqLen}
   * @param into receives the statistics; all its fields are overwritten
   * @return {@code into}
   * @throws IllegalArgumentException if a size is negative
   * @throws IndexOutOfBoundsException if an array is too short for the given shape
   */
  public ActivationSummary summarize(
      float[] x, int offset, int seqLen, int width, boolean[] valid, ActivationSummary into) {
    return summarize(x, offset, seqLen, width, valid, ZeroRule.EXACTLY_ZERO, into);
  }

  /**
   * Summarises one hidden state.
   *
   * @param x activations, {@code [seqLen][width]} row-major from offset
   * @param offset index of the first value of position 0 in {@code x}
   * @param seqLen number of positions, {@code >= 0}
   * @param width values per position, {@code >= 0}
   * @param valid attention mask as booleans, length at least {@code seqLen}
   * @param zeroRule which values the zero fraction counts
   * @param into receives the statistics; all its fields are overwritten
   * @return {@code into}
   * @throws IllegalArgumentException if a size is negative
   * @throws IndexOutOfBoundsException if an array is too short for the given shape
   */
  public ActivationSummary summarize(
      float[] x,
      int offset,
      int seqLen,
      int width,
      boolean[] valid,
      ZeroRule zeroRule,
      ActivationSummary into) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(valid, "valid");
    Objects.requireNonNull(zeroRule, "zeroRule");
    Objects.requireNonNull(into, "into");
    if (seqLen < 0 || width < 0) {
      throw new IllegalArgumentException("negative size: " + seqLen + " x " + width);
    }
    long size = (long) seqLen * width;
    if (offset < 0 || size > x.length - (long) offset) {
      throw new IndexOutOfBoundsException(
          "x too short: offset " + offset + " + " + size + " > " + x.length);
    }
    if (valid.length < seqLen) {
      throw new IndexOutOfBoundsException("valid.length " + valid.length + " < " + seqLen);
    }
    into.clear();
    boolean nonPositive = zeroRule == ZeroRule.NON_POSITIVE;

    // Pass 1: counts, sum, absolute max.
    int count = 0;
    int nonFinite = 0;
    int zeros = 0;
    int outliers = 0;
    double sum = 0;
    float absMax = 0f;
    for (int p = 0; p < seqLen; p++) {
      if (!valid[p]) {
        continue;
      }
      int base = offset + p * width;
      count += width;
      for (int k = base; k < base + width; k++) {
        float v = x[k];
        if (!Float.isFinite(v)) {
          nonFinite++;
          continue;
        }
        sum += v;
        float a = Math.abs(v);
        if (a > absMax) {
          absMax = a;
        }
        // -0.0f == 0f, so both signed zeros count.
        if (nonPositive ? v <= 0f : v == 0f) {
          zeros++;
        }
        if (a >= OUTLIER_THRESHOLD) {
          outliers++;
        }
      }
    }
    into.count = count;
    into.nonFiniteCount = nonFinite;
    if (count == 0) {
      return into;
    }
    into.zeroFraction = (double) zeros / count;
    into.outlierFraction = (double) outliers / count;
    int finite = count - nonFinite;
    if (finite == 0) {
      return into;
    }
    double mean = sum / finite;

    // Pass 2: squared deviations from the mean. The second sum (of deviations) is the rounding
    // error of the mean; subtracting its square corrects the variance (corrected two-pass).
    double sq = 0;
    double dev = 0;
    for (int p = 0; p < seqLen; p++) {
      if (!valid[p]) {
        continue;
      }
      int base = offset + p * width;
      for (int k = base; k < base + width; k++) {
        float v = x[k];
        if (Float.isFinite(v)) {
          double d = v - mean;
          dev += d;
          sq += d * d;
        }
      }
    }
    double variance = Math.max(0.0, (sq - dev * dev / finite) / finite);
    into.mean = mean;
    into.std = Math.sqrt(variance);
    into.absMax = absMax;

    // Pass 3, only when a value could be massive: the median of |x| and the count above it.
    if (absMax > MASSIVE_MIN_ABS) {
      into.massiveCount = massiveCount(x, offset, seqLen, width, valid, finite);
    }
    return into;
  }

  private int massiveCount(
      float[] x, int offset, int seqLen, int width, boolean[] valid, int finite) {
    float[] buf = scratch;
    if (buf.length < finite) {
      buf = new float[finite];
      scratch = buf;
    }
    int m = 0;
    for (int p = 0; p < seqLen; p++) {
      if (!valid[p]) {
        continue;
      }
      int base = offset + p * width;
      for (int k = base; k < base + width; k++) {
        float v = x[k];
        if (Float.isFinite(v)) {
          buf[m++] = Math.abs(v);
        }
      }
    }
    double median = median(buf, m);
    double threshold = MASSIVE_MEDIAN_RATIO * median;
    int massive = 0;
    for (int k = 0; k < m; k++) {
      float a = buf[k];
      if (a > MASSIVE_MIN_ABS && a >= threshold) {
        massive++;
      }
    }
    return massive;
  }

  /**
   * Median of {@code a[0..n)}, n >= 1, no NaN; reorders the array. Even n: mean of the two middle
   * values.
   */
  static double median(float[] a, int n) {
    int k = (n - 1) / 2;
    float lower = select(a, n, k);
    if ((n & 1) == 1) {
      return lower;
    }
    // After select, every element after k is >= a[k]: the upper middle is their minimum.
    float upper = a[k + 1];
    for (int i = k + 2; i < n; i++) {
      if (a[i] < upper) {
        upper = a[i];
      }
    }
    return ((double) lower + upper) / 2.0;
  }

  /**
   * Returns the k-th smallest of {@code a[0..n)} (quickselect, Hoare partition, median-of-three
   * pivot), leaving smaller-or-equal elements before k and greater-or-equal after it. Falls back to
   * sorting the remaining range when partitions keep coming out unbalanced, to bound the worst
   * case.
   */
  static float select(float[] a, int n, int k) {
    int lo = 0;
    int hi = n - 1;
    int budget = 2 * (32 - Integer.numberOfLeadingZeros(n)) + 8;
    while (hi > lo) {
      if (--budget < 0) {
        Arrays.sort(a, lo, hi + 1);
        return a[k];
      }
      int mid = (lo + hi) >>> 1;
      float pivot = median3(a[lo], a[mid], a[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          float t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      // Now a[lo..j] <= pivot, a[i..hi] >= pivot, anything between equals pivot.
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static float median3(float x, float y, float z) {
    return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
  }
}
