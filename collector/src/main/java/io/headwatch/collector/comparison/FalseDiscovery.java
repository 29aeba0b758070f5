package io.headwatch.collector.comparison;

import java.util.Arrays;

/**
 * Benjamini–Hochberg adjusted p-values ("q-values"): declaring significant every test whose
 * adjusted p is at or below α keeps the expected share of false discoveries among them at most α
 * (for independent or positively dependent tests). When no difference exists anywhere, the chance
 * that any test is declared significant is at most α.
 */
public final class FalseDiscovery {
  private FalseDiscovery() {}

  /** The adjusted p-value of each p (same order); NaN stays NaN and does not count as a test. */
  public static double[] adjust(double[] p) {
    Integer[] order =
        java.util.stream.IntStream.range(0, p.length)
            .filter(i -> !Double.isNaN(p[i]))
            .boxed()
            .toArray(Integer[]::new);
    Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
    int m = order.length;
    double[] q = new double[p.length];
    Arrays.fill(q, Double.NaN);
    double running = 1.0;
    for (int k = m - 1; k >= 0; k--) {
      running = Math.min(running, p[order[k]] * m / (k + 1));
      q[order[k]] = Math.min(1.0, running);
    }
    return q;
  }
}
