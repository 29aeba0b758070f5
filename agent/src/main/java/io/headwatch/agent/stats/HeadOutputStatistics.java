package io.headwatch.agent.stats;

import java.util.Arrays;
import java.util.Objects;

/**
 * The value path of each attention head: how large its output is. For one sequence of one layer,
 * the per-head attention output {@code O[h][i] = sum_j A[h][i][j] V[h][j]} (softmax times values,
 * before the heads are concatenated and projected) is a {@code head_dim} vector per query; this is
 * the mean over valid queries of its L2 norm. A head whose value weights are scaled or broken
 * changes this number while its attention pattern (and so every attention statistic) stays the
 * same.
 *
 * <p>Input layout {@code [heads][seqLen][headDim]} row-major from {@code offset}. Padded queries
 * are skipped. A head with any non-finite value at a valid query gets NaN. Thread-safe (no state).
 */
public final class HeadOutputStatistics {
  private HeadOutputStatistics() {}

  /**
   * Writes each head's mean output norm into {@code out[outOffset + h]}.
   *
   * @return the number of valid queries; 0 means every output is NaN
   */
  public static int meanNorms(
      float[] values,
      int offset,
      int heads,
      int seqLen,
      int headDim,
      boolean[] valid,
      double[] out,
      int outOffset) {
    Objects.requireNonNull(values, "values");
    if (heads < 1 || seqLen < 1 || headDim < 1) {
      throw new IllegalArgumentException(
          "heads, seqLen and headDim must be >= 1: " + heads + ", " + seqLen + ", " + headDim);
    }
    long size = (long) heads * seqLen * headDim;
    if (offset < 0 || size > values.length - (long) offset) {
      throw new IndexOutOfBoundsException(
          "values too short: offset " + offset + " + " + size + " > " + values.length);
    }
    Objects.checkFromIndexSize(outOffset, heads, out.length);
    int n = 0;
    for (int i = 0; i < seqLen; i++) {
      n += valid[i] ? 1 : 0;
    }
    if (n == 0) {
      Arrays.fill(out, outOffset, outOffset + heads, Double.NaN);
      return 0;
    }
    for (int h = 0; h < heads; h++) {
      double sum = 0;
      int base = offset + h * seqLen * headDim;
      for (int i = 0; i < seqLen; i++) {
        if (!valid[i]) {
          continue;
        }
        int row = base + i * headDim;
        double squares = 0;
        for (int d = 0; d < headDim; d++) {
          double v = values[row + d];
          squares += v * v;
        }
        sum += Math.sqrt(squares);
      }
      out[outOffset + h] = Double.isFinite(sum) ? sum / n : Double.NaN;
    }
    return n;
  }
}
