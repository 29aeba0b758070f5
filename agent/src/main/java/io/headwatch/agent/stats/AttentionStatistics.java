package io.headwatch.agent.stats;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-head attention statistics for one sequence (one batch item), as defined in {@code
 * docs/statistics.md}.
 *
 * <p>Input layout: attention probabilities row-major as {@code [heads][seqLen][seqLen]} starting at
 * {@code offset}, so {@code A[h][i][j] = attn[offset + (h * seqLen + i) * seqLen + j]} is the
 * weight from query {@code i} to key {@code j}. A {@code boolean[] valid} of length {@code seqLen}
 * marks positions where the attention mask is 1. Padded queries are skipped, padded keys carry no
 * weight, and rows are <em>not</em> renormalised: the statistics read the model's weights as they
 * are. Values at padded positions are never read, so they may hold anything (including NaN).
 *
 * <p>Every statistic is computed per query row and averaged over the valid queries of the head.
 * Results go into a caller-supplied {@code double[]} at index {@code h * COUNT + stat}:
 *
 * <ul>
 *   <li>{@link #ENTROPY}: {@code mean_i(-sum_j A ln A) / ln n}, {@code n} = number of valid keys,
 *       {@code 0 ln 0 = 0}. Defined as 0 when {@code n == 1} (a single key carries all the weight).
 *       Not clamped: a row whose valid weights do not sum to 1 may fall outside [0, 1].
 *   <li>{@link #MAX_WEIGHT}: {@code mean_i max_j A[i][j]} over valid keys.
 *   <li>{@link #FIRST_TOKEN_MASS}: {@code mean_i A[i][first valid key]} (position 0 for
 *       right-padded BERT inputs); telemetry name {@code sink_mass}.
 *   <li>{@link #LAST_TOKEN_MASS}: {@code mean_i A[i][last valid key]} ([SEP] in BERT inputs).
 *   <li>{@link #SELF_MASS}: {@code mean_i A[i][i]}.
 *   <li>{@link #PREVIOUS_MASS}: {@code mean_i A[i][i-1]}; a query whose {@code i-1} is not a valid
 *       key contributes 0 (but still counts in the mean).
 *   <li>{@link #NEXT_MASS}: {@code mean_i A[i][i+1]}, likewise.
 *   <li>{@link #MEAN_DISTANCE}: {@code mean_i sum_j A[i][j] * |i - j|} over valid keys, in
 *       positions.
 * </ul>
 *
 * <p>Edge cases: when no query is valid (all padding) every output of every head is NaN and {@link
 * #compute} returns 0. When any weight the statistics read (valid query, valid key) is NaN or
 * infinite, all outputs of that head are NaN; other heads are unaffected. Nothing throws for bad
 * values; only inconsistent shapes throw.
 *
 * <p>Cost: one pass over each valid row. The pass is a {@link RowKernel}: by default a scalar loop
 * accumulating in double with a table-and-polynomial logarithm within 1e-10 relative of {@link
 * Math#log} (exhaustively checked over positive floats), so results agree with a plain double
 * computation to about 1e-10; in a JVM started with {@code --add-modules jdk.incubator.vector}, a
 * SIMD kernel whose results agree with the scalar ones to about 1e-6 relative ({@code
 * VectorRowKernel}). Thread-safe (no state).
 */
public final class AttentionStatistics {

  /** Normalised entropy, in [0, 1] for rows that sum to 1 over valid keys. */
  public static final int ENTROPY = 0;

  /** Mean over queries of the largest weight ("confidence"). */
  public static final int MAX_WEIGHT = 1;

  /** Mean weight on the first valid key (attention sink / [CLS]); telemetry name sink_mass. */
  public static final int FIRST_TOKEN_MASS = 2;

  /** Mean weight on the last valid key ([SEP] in BERT-style inputs). */
  public static final int LAST_TOKEN_MASS = 3;

  /** Mean weight of a query on its own position. */
  public static final int SELF_MASS = 4;

  /** Mean weight of a query on the previous position. */
  public static final int PREVIOUS_MASS = 5;

  /** Mean weight of a query on the next position. */
  public static final int NEXT_MASS = 6;

  /** Mean attention distance in positions. */
  public static final int MEAN_DISTANCE = 7;

  /** Number of statistics per head: the stride of the output array. */
  public static final int COUNT = 8;

  private static final String[] NAMES = {
    "entropy",
    "max_weight",
    "sink_mass",
    "last_token_mass",
    "self_mass",
    "previous_mass",
    "next_mass",
    "mean_distance"
  };

  private AttentionStatistics() {}

  /**
   * Returns the snake_case telemetry name of a statistic.
   *
   * @param stat one of the index constants, {@code 0 <= stat < COUNT}
   * @return for example {@code "entropy"}; {@link #FIRST_TOKEN_MASS} is {@code "sink_mass"}
   * @throws IllegalArgumentException if {@code stat} is not a statistic index
   */
  public static String name(int stat) {
    if (stat < 0 || stat >= COUNT) {
      throw new IllegalArgumentException("no attention statistic with index " + stat);
    }
    return NAMES[stat];
  }

  /**
   * Computes all statistics of every head of one sequence into {@code out[h * COUNT + stat]}.
   *
   * @param attn attention probabilities, {@code [heads][seqLen][seqLen]} row-major from offset
   * @param offset index of {@code A[0][0][0]} in {@code attn}
   * @param heads number of heads, {@code >= 1}
   * @param seqLen sequence length, {@code >= 1}
   * @param valid attention mask as booleans, length at least {@code seqLen}
   * @param out receives {@code heads * COUNT} values from index 0
   * @return the number of valid queries; 0 means every output is NaN and the caller may skip
   * @throws IllegalArgumentException if a size is not positive
   * @throws IndexOutOfBoundsException if an array is too short for the given shape
   */
  public static int compute(
      float[] attn, int offset, int heads, int seqLen, boolean[] valid, double[] out) {
    return compute(attn, offset, heads, seqLen, valid, out, 0);
  }

  /**
   * Like {@link #compute(float[], int, int, int, boolean[], double[])}, writing from {@code
   * out[outOffset]}, so the statistics of several layers can share one array.
   *
   * @param attn attention probabilities, {@code [heads][seqLen][seqLen]} row-major from offset
   * @param offset index of {@code A[0][0][0]} in {@code attn}
   * @param heads number of heads, {@code >= 1}
   * @param seqLen sequence length, {@code >= 1}
   * @param valid attention mask as booleans, length at least {@code seqLen}
   * @param out receives {@code heads * COUNT} values from {@code outOffset}
   * @param outOffset first index written in {@code out}
   * @return the number of valid queries; 0 means every output is NaN and the caller may skip
   * @throws IllegalArgumentException if a size is not positive
   * @throws IndexOutOfBoundsException if an array is too short for the given shape
   */
  public static int compute(
      float[] attn,
      int offset,
      int heads,
      int seqLen,
      boolean[] valid,
      double[] out,
      int outOffset) {
    return compute(attn, offset, heads, seqLen, valid, out, outOffset, RowKernels.best());
  }

  /** Like the public overloads, with the given row kernel (tests compare the two kernels). */
  static int compute(
      float[] attn,
      int offset,
      int heads,
      int seqLen,
      boolean[] valid,
      double[] out,
      int outOffset,
      RowKernel kernel) {
    Objects.requireNonNull(attn, "attn");
    Objects.requireNonNull(valid, "valid");
    Objects.requireNonNull(out, "out");
    if (heads < 1 || seqLen < 1) {
      throw new IllegalArgumentException("heads and seqLen must be >= 1: " + heads + ", " + seqLen);
    }
    // long arithmetic: heads * seqLen^2 can exceed int for long sequences.
    long size = (long) heads * seqLen * seqLen;
    if (offset < 0 || size > attn.length - (long) offset) {
      throw new IndexOutOfBoundsException(
          "attn too short: offset " + offset + " + " + size + " > " + attn.length);
    }
    if (valid.length < seqLen) {
      throw new IndexOutOfBoundsException("valid.length " + valid.length + " < " + seqLen);
    }
    Objects.checkFromIndexSize(outOffset, heads * COUNT, out.length);

    // Mask facts shared by all heads and rows: valid queries, valid keys, first and last key.
    int n = 0;
    int first = -1;
    int last = -1;
    for (int j = 0; j < seqLen; j++) {
      if (valid[j]) {
        if (first < 0) {
          first = j;
        }
        last = j;
        n++;
      }
    }
    if (n == 0) {
      Arrays.fill(out, outOffset, outOffset + heads * COUNT, Double.NaN);
      return 0;
    }
    // Queries and keys share one mask, so the number of valid queries is n as well.
    // n == 1: the single key holds all the weight; entropy is defined as 0 (ln 1 = 0 in the
    // denominator).
    double invLogN = n > 1 ? 1.0 / Math.log(n) : 0.0;
    double invQ = 1.0 / n;
    double[] acc = new double[4];

    for (int h = 0; h < heads; h++) {
      double entropy = 0;
      double max = 0;
      double firstMass = 0;
      double lastMass = 0;
      double self = 0;
      double prev = 0;
      double next = 0;
      double distance = 0;
      // Sum of every weight read: NaN/Inf anywhere in it turns the whole head NaN at the end.
      double check = 0;
      int headBase = offset + h * seqLen * seqLen;
      for (int i = first; i <= last; i++) {
        if (!valid[i]) {
          continue;
        }
        int row = headBase + i * seqLen;
        // Keys in runs of consecutive valid positions: the kernel stays branch-free on the mask,
        // and the usual right-padded mask is a single run.
        acc[RowKernel.SUM] = 0;
        acc[RowKernel.MAX] = Double.NEGATIVE_INFINITY;
        acc[RowKernel.DISTANCE] = 0;
        acc[RowKernel.PLOGP] = 0;
        int s = first;
        while (s <= last) {
          int e = s;
          while (e <= last && valid[e]) {
            e++;
          }
          kernel.addRun(attn, row, s, e, i, acc);
          s = e;
          while (s <= last && !valid[s]) {
            s++;
          }
        }
        double rowSum = acc[RowKernel.SUM];
        double rowMax = acc[RowKernel.MAX];
        double rowDist = acc[RowKernel.DISTANCE];
        double rowPlogp = acc[RowKernel.PLOGP];
        check += rowSum;
        entropy -= rowPlogp;
        max += rowMax;
        distance += rowDist;
        firstMass += attn[row + first];
        lastMass += attn[row + last];
        self += attn[row + i];
        if (i > 0 && valid[i - 1]) {
          prev += attn[row + i - 1];
        }
        if (i + 1 < seqLen && valid[i + 1]) {
          next += attn[row + i + 1];
        }
      }
      int o = outOffset + h * COUNT;
      if (!Double.isFinite(check)) {
        // Weights are probabilities: a non-finite one poisons every statistic of the head, not only
        // the ones that happen to propagate it (max would otherwise hide a NaN).
        Arrays.fill(out, o, o + COUNT, Double.NaN);
        continue;
      }
      out[o + ENTROPY] = snapToUnitInterval(entropy * invQ * invLogN);
      out[o + MAX_WEIGHT] = max * invQ;
      out[o + FIRST_TOKEN_MASS] = firstMass * invQ;
      out[o + LAST_TOKEN_MASS] = lastMass * invQ;
      out[o + SELF_MASS] = self * invQ;
      out[o + PREVIOUS_MASS] = prev * invQ;
      out[o + NEXT_MASS] = next * invQ;
      out[o + MEAN_DISTANCE] = distance * invQ;
    }
    return n;
  }

  /**
   * Float probabilities rarely sum to exactly 1, so a uniform row's entropy can come out at 1 +
   * 1e-8: excursions below {@link #ROUNDING_SLACK} are snapped into [0, 1]. Larger ones are kept:
   * they mean the rows do not sum to 1 over the valid keys (weight leaked to padding).
   */
  static double snapToUnitInterval(double value) {
    if (value > 1.0 && value <= 1.0 + ROUNDING_SLACK) {
      return 1.0;
    }
    if (value < 0.0 && value >= -ROUNDING_SLACK) {
      return 0.0;
    }
    return value;
  }

  /** How far outside [0, 1] a normalised entropy may fall from float rounding alone. */
  static final double ROUNDING_SLACK = 1e-6;

  /**
   * Converts an attention mask of 0/1 values (as {@code long}, the ONNX / DJL convention) into the
   * boolean form {@link #compute} takes. Any non-zero value counts as valid.
   *
   * @param mask the mask values
   * @param offset index of position 0 of this sequence in {@code mask}
   * @param seqLen sequence length
   * @return a new array of length {@code seqLen}
   */
  public static boolean[] validFromMask(long[] mask, int offset, int seqLen) {
    Objects.checkFromIndexSize(offset, seqLen, mask.length);
    boolean[] valid = new boolean[seqLen];
    for (int i = 0; i < seqLen; i++) {
      valid[i] = mask[offset + i] != 0;
    }
    return valid;
  }

  /**
   * Converts an attention mask of 0/1 values (as {@code int}) into the boolean form {@link
   * #compute} takes. Any non-zero value counts as valid.
   *
   * @param mask the mask values
   * @param offset index of position 0 of this sequence in {@code mask}
   * @param seqLen sequence length
   * @return a new array of length {@code seqLen}
   */
  public static boolean[] validFromMask(int[] mask, int offset, int seqLen) {
    Objects.checkFromIndexSize(offset, seqLen, mask.length);
    boolean[] valid = new boolean[seqLen];
    for (int i = 0; i < seqLen; i++) {
      valid[i] = mask[offset + i] != 0;
    }
    return valid;
  }

  /**
   * Returns a mask with every position valid, for inputs without padding.
   *
   * @param seqLen sequence length
   * @return a new array of {@code seqLen} {@code true} values
   */
  public static boolean[] allValid(int seqLen) {
    boolean[] valid = new boolean[seqLen];
    Arrays.fill(valid, true);
    return valid;
  }
}
