package io.headwatch.agent.stats;

/**
 * The part of {@link AttentionStatistics} that reads every weight: sums over one run of consecutive
 * valid keys of one attention row. Two implementations: {@link ScalarRowKernel} everywhere, and
 * {@code VectorRowKernel} when the JVM runs with {@code --add-modules jdk.incubator.vector}; {@link
 * RowKernels#best()} picks one once.
 */
interface RowKernel {
  /** Index in the accumulator of the sum of the weights. */
  int SUM = 0;

  /** Index of the largest weight (start with negative infinity). */
  int MAX = 1;

  /** Index of the sum of {@code a * |query - key|}. */
  int DISTANCE = 2;

  /** Index of the sum of {@code a ln a}, with {@code 0 ln 0 = 0}. */
  int PLOGP = 3;

  /**
   * Adds the weights {@code attn[row + from .. row + to)} into {@code acc} ({@link #SUM}, {@link
   * #MAX}, {@link #DISTANCE}, {@link #PLOGP}).
   *
   * @param attn attention weights
   * @param row index of key 0 of the row in {@code attn}
   * @param from first key of the run
   * @param to one past the last key of the run
   * @param query the row's query position (for distances)
   * @param acc four accumulators, updated in place
   */
  void addRun(float[] attn, int row, int from, int to, int query, double[] acc);

  /** A short name for logs and benchmarks. */
  String name();
}
