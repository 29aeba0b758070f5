package io.headwatch.agent.stats;

import java.util.Arrays;
import java.util.Objects;

/**
 * Statistics of a model's output for one inference, as defined in {@code docs/statistics.md}.
 *
 * <p>Classifiers: from probabilities ({@link #fromProbabilities}) or from raw logits ({@link
 * #fromLogits}, through the numerically stable softmax {@code exp(x - max) / sum(exp(x - max))}),
 * the results go into a caller-supplied {@code double[]} at {@code outOffset + stat}:
 *
 * <ul>
 *   <li>{@link #TOP1}: the largest probability;
 *   <li>{@link #MARGIN}: top-1 minus top-2 probability (top-2 is 0 when there is one class);
 *   <li>{@link #ENTROPY}: {@code -sum p ln p} in nats, {@code 0 ln 0 = 0};
 *   <li>{@link #NORMALIZED_ENTROPY}: entropy divided by {@code ln K}, defined as 0 when K == 1.
 * </ul>
 *
 * <p>Embedding models: {@link #l2Norm} and {@link #nonFiniteCount}.
 *
 * <p>Nothing throws for bad values; only inconsistent shapes throw. Stateless and thread-safe.
 */
public final class OutputStatistics {

  /** Top-1 probability. */
  public static final int TOP1 = 0;

  /** Top-1 minus top-2 probability. */
  public static final int MARGIN = 1;

  /** Output entropy in nats. */
  public static final int ENTROPY = 2;

  /** Output entropy divided by ln K, in [0, 1] for a distribution. */
  public static final int NORMALIZED_ENTROPY = 3;

  /** Number of classifier statistics: the size of the output slice. */
  public static final int COUNT = 4;

  private static final String[] NAMES = {
    "top1_probability", "margin", "entropy", "normalized_entropy"
  };

  private OutputStatistics() {}

  /**
   * Returns the snake_case telemetry name of a classifier statistic.
   *
   * @param stat one of the index constants, {@code 0 <= stat < COUNT}
   * @return for example {@code "margin"}
   * @throws IllegalArgumentException if {@code stat} is not a statistic index
   */
  public static String name(int stat) {
    if (stat < 0 || stat >= COUNT) {
      throw new IllegalArgumentException("no output statistic with index " + stat);
    }
    return NAMES[stat];
  }

  /**
   * Classifier statistics from probabilities the model produced; they are read as they are, not
   * renormalised. A NaN or infinite probability makes every output NaN; a negative one makes the
   * entropies NaN.
   *
   * @param p probabilities of K classes from {@code offset}
   * @param offset index of class 0 in {@code p}
   * @param k number of classes, {@code >= 1}
   * @param out receives {@link #COUNT} values from {@code outOffset}
   * @param outOffset first index written in {@code out}
   * @return the index (0-based, relative to offset) of the top-1 class, the first one on ties; -1
   *     when the outputs are NaN because of a non-finite input
   * @throws IllegalArgumentException if {@code k < 1}
   * @throws IndexOutOfBoundsException if an array is too short
   */
  public static int fromProbabilities(float[] p, int offset, int k, double[] out, int outOffset) {
    checkShape(p, offset, k, out, outOffset);
    int top = -1;
    double top1 = Double.NEGATIVE_INFINITY;
    double top2 = Double.NEGATIVE_INFINITY;
    double plogp = 0;
    double check = 0;
    for (int c = 0; c < k; c++) {
      float v = p[offset + c];
      check += v;
      if (v > top1) {
        top2 = top1;
        top1 = v;
        top = c;
      } else if (v > top2) {
        top2 = v;
      }
      // 0 ln 0 = 0; NaN != 0, so NaN still reaches the sum.
      if (v != 0f) {
        plogp += v * Math.log(v);
      }
    }
    if (!Double.isFinite(check)) {
      Arrays.fill(out, outOffset, outOffset + COUNT, Double.NaN);
      return -1;
    }
    writeClassifier(out, outOffset, k, top1, k > 1 ? top2 : 0.0, -plogp);
    return top;
  }

  /**
   * Classifier statistics from raw logits, through the stable softmax {@code exp(x - max) /
   * sum(exp(x - max))}; large logits (1000, 1001) neither overflow nor lose the answer. The entropy
   * uses {@code H = ln S - sum_j e_j (x_j - max) / S} with {@code e_j = exp(x_j - max)} and {@code
   * S = sum_j e_j}, which needs no logarithm per class. A logit of -Inf is a class with probability
   * 0; a NaN or +Inf logit, or all logits -Inf, makes every output NaN.
   *
   * @param logits raw scores of K classes from {@code offset}
   * @param offset index of class 0 in {@code logits}
   * @param k number of classes, {@code >= 1}
   * @param out receives {@link #COUNT} values from {@code outOffset}
   * @param outOffset first index written in {@code out}
   * @return the index (0-based, relative to offset) of the top-1 class, the first one on ties; -1
   *     when the outputs are NaN
   * @throws IllegalArgumentException if {@code k < 1}
   * @throws IndexOutOfBoundsException if an array is too short
   */
  public static int fromLogits(float[] logits, int offset, int k, double[] out, int outOffset) {
    checkShape(logits, offset, k, out, outOffset);
    int top = -1;
    double max = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      float v = logits[offset + c];
      if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY) {
        Arrays.fill(out, outOffset, outOffset + COUNT, Double.NaN);
        return -1;
      }
      if (v > max) {
        second = max;
        max = v;
        top = c;
      } else if (v > second) {
        second = v;
      }
    }
    if (top < 0) {
      // Every logit is -Inf: no distribution.
      Arrays.fill(out, outOffset, outOffset + COUNT, Double.NaN);
      return -1;
    }
    double sum = 0;
    double weighted = 0;
    for (int c = 0; c < k; c++) {
      double shifted = logits[offset + c] - max;
      double e = Math.exp(shifted);
      sum += e;
      // e == 0 for -Inf logits: skip, or 0 * -Inf would be NaN.
      if (e != 0) {
        weighted += e * shifted;
      }
    }
    // sum >= 1 (the max contributes exp(0)), so nothing here divides by 0 or logs 0.
    double top1 = 1.0 / sum;
    double top2 = k > 1 ? Math.exp(second - max) / sum : 0.0;
    // Rounding can leave a tiny negative entropy for a one-hot output; entropy is never negative.
    double entropy = Math.max(0.0, Math.log(sum) - weighted / sum);
    writeClassifier(out, outOffset, k, top1, top2, entropy);
    return top;
  }

  /**
   * Writes the stable softmax {@code exp(x - max) / sum(exp(x - max))} of K logits. A NaN or +Inf
   * logit, or all logits -Inf, gives all-NaN output; a -Inf logit among finite ones gives 0.
   *
   * @param logits raw scores of K classes from {@code offset}
   * @param offset index of class 0 in {@code logits}
   * @param k number of classes, {@code >= 1}
   * @param out receives K probabilities from {@code outOffset}
   * @param outOffset first index written in {@code out}
   * @throws IllegalArgumentException if {@code k < 1}
   * @throws IndexOutOfBoundsException if an array is too short
   */
  public static void softmax(float[] logits, int offset, int k, double[] out, int outOffset) {
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(out, "out");
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1: " + k);
    }
    Objects.checkFromIndexSize(offset, k, logits.length);
    Objects.checkFromIndexSize(outOffset, k, out.length);
    double max = Double.NEGATIVE_INFINITY;
    boolean bad = false;
    for (int c = 0; c < k; c++) {
      float v = logits[offset + c];
      bad |= Float.isNaN(v) || v == Float.POSITIVE_INFINITY;
      if (v > max) {
        max = v;
      }
    }
    if (bad || max == Double.NEGATIVE_INFINITY) {
      Arrays.fill(out, outOffset, outOffset + k, Double.NaN);
      return;
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      double e = Math.exp(logits[offset + c] - max);
      out[outOffset + c] = e;
      sum += e;
    }
    double inv = 1.0 / sum;
    for (int c = 0; c < k; c++) {
      out[outOffset + c] *= inv;
    }
  }

  /**
   * Returns the Euclidean (L2) norm of a vector, accumulated in double so that float values near
   * {@code Float.MAX_VALUE} do not overflow. NaN in the input gives NaN; an infinity (and no NaN)
   * gives +Inf.
   *
   * @param v the vector from {@code offset}
   * @param offset index of the first component
   * @param length number of components, {@code >= 0}
   * @return the norm, 0 for an empty vector
   * @throws IndexOutOfBoundsException if the array is too short
   */
  public static double l2Norm(float[] v, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, v.length);
    double sq = 0;
    for (int i = offset; i < offset + length; i++) {
      double x = v[i];
      sq += x * x;
    }
    return Math.sqrt(sq);
  }

  /**
   * Counts NaN and infinite values.
   *
   * @param v the values from {@code offset}
   * @param offset index of the first value
   * @param length number of values, {@code >= 0}
   * @return how many of them are NaN, +Inf or -Inf
   * @throws IndexOutOfBoundsException if the array is too short
   */
  public static int nonFiniteCount(float[] v, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, v.length);
    int n = 0;
    for (int i = offset; i < offset + length; i++) {
      if (!Float.isFinite(v[i])) {
        n++;
      }
    }
    return n;
  }

  private static void writeClassifier(
      double[] out, int o, int k, double top1, double top2, double entropy) {
    out[o + TOP1] = top1;
    out[o + MARGIN] = top1 - top2;
    out[o + ENTROPY] = entropy;
    // K == 1: the only distribution is one-hot; 0 instead of 0 / ln 1.
    out[o + NORMALIZED_ENTROPY] = k > 1 ? entropy / Math.log(k) : 0.0;
  }

  private static void checkShape(float[] in, int offset, int k, double[] out, int outOffset) {
    Objects.requireNonNull(in, "input");
    Objects.requireNonNull(out, "out");
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1: " + k);
    }
    Objects.checkFromIndexSize(offset, k, in.length);
    Objects.checkFromIndexSize(outOffset, COUNT, out.length);
  }
}
