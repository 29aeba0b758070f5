package io.headwatch.collector.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Quantiles and shared histogram bins, with hand-computed values. */
class DistributionsTest {
  @Test
  void quantilesInterpolateBetweenTheNearestRanks() {
    float[] s = Distributions.sorted(new float[] {5, 1, 4, 2, 3});
    assertEquals(1.0, Distributions.quantile(s, 0), 1e-9);
    assertEquals(1.2, Distributions.quantile(s, 0.05), 1e-6);
    assertEquals(2.0, Distributions.quantile(s, 0.25), 1e-9);
    assertEquals(3.0, Distributions.quantile(s, 0.5), 1e-9);
    assertEquals(4.8, Distributions.quantile(s, 0.95), 1e-6);
    assertEquals(7.5, Distributions.quantile(new float[] {7, 8}, 0.5), 1e-9);
    assertTrue(Double.isNaN(Distributions.quantile(new float[0], 0.5)));
  }

  @Test
  void bothSetsShareBinsOverTheirJointRange() {
    float[] now = {2f};
    float[] base = {0f, 0.05f, 0.15f, 1f};
    double[] edges = Distributions.edges(now, base);
    assertEquals(Distributions.BINS + 1, edges.length);
    assertEquals(0.0, edges[0], 1e-12);
    assertEquals(0.1, edges[1], 1e-12);
    assertEquals(2.0, edges[Distributions.BINS], 1e-12);
    int[] b = Distributions.counts(base, edges);
    assertEquals(2, b[0]); // 0 and 0.05
    assertEquals(1, b[1]); // 0.15
    assertEquals(1, b[10]); // 1.0 is the lower edge of bin 10
    int[] n = Distributions.counts(now, edges);
    assertEquals(1, n[Distributions.BINS - 1]); // the top edge is in the last bin
  }

  @Test
  void equalValuesFallInTheMiddleOfAWidenedRange() {
    double[] edges = Distributions.edges(new float[] {0.5f, 0.5f}, new float[0]);
    assertEquals(0.25, edges[0], 1e-9);
    assertEquals(0.75, edges[Distributions.BINS], 1e-9);
    int[] c = Distributions.counts(new float[] {0.5f, 0.5f}, edges);
    assertEquals(2, c[Distributions.BINS / 2]);
    assertArrayEquals(new double[0], Distributions.edges(new float[0], new float[0]));
  }
}
