package io.headwatch.agent.stats;

import static io.headwatch.agent.stats.OutputStatistics.COUNT;
import static io.headwatch.agent.stats.OutputStatistics.ENTROPY;
import static io.headwatch.agent.stats.OutputStatistics.MARGIN;
import static io.headwatch.agent.stats.OutputStatistics.NORMALIZED_ENTROPY;
import static io.headwatch.agent.stats.OutputStatistics.TOP1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pins the output statistics with hand-computed values. */
class OutputStatisticsTest {

  private static final double EPS = 1e-6;

  private static double[] fromProbabilities(float... p) {
    double[] out = new double[COUNT];
    OutputStatistics.fromProbabilities(p, 0, p.length, out, 0);
    return out;
  }

  private static double[] fromLogits(float... x) {
    double[] out = new double[COUNT];
    OutputStatistics.fromLogits(x, 0, x.length, out, 0);
    return out;
  }

  @Test
  void probabilitiesHandExample() {
    double[] out = new double[COUNT];
    float[] p = {0.7f, 0.2f, 0.1f};
    assertEquals(0, OutputStatistics.fromProbabilities(p, 0, 3, out, 0));
    assertEquals(0.7, out[TOP1], EPS);
    // 0.7 - 0.2
    assertEquals(0.5, out[MARGIN], EPS);
    // 0.7*ln(1/0.7) + 0.2*ln5 + 0.1*ln10 = 0.2496725 + 0.3218876 + 0.2302585 = 0.8018186
    assertEquals(0.8018186, out[ENTROPY], EPS);
    // / ln 3 (1.0986123) = 0.7298467
    assertEquals(0.7298467, out[NORMALIZED_ENTROPY], EPS);
  }

  @Test
  void uniformAndOneHotProbabilities() {
    // uniform over 4: top1 0.25, margin 0, entropy ln 4 = 1.3862944, normalised 1
    assertArrayEquals(
        new double[] {0.25, 0, 1.3862944, 1}, fromProbabilities(0.25f, 0.25f, 0.25f, 0.25f), EPS);
    // one-hot: 1 ln 1 + 0 ln 0 terms = 0, no NaN
    assertArrayEquals(new double[] {1, 1, 0, 0}, fromProbabilities(0f, 1f, 0f), EPS);
    // one class: top2 is 0, so margin = top1; entropy 0, normalised defined as 0
    assertArrayEquals(new double[] {1, 1, 0, 0}, fromProbabilities(1f), EPS);
  }

  @Test
  void topIndexIsRelativeToOffsetAndFirstOnTies() {
    double[] out = new double[2 + COUNT];
    float[] p = {9f, 9f, 0.1f, 0.45f, 0.45f};
    assertEquals(1, OutputStatistics.fromProbabilities(p, 2, 3, out, 2));
    assertEquals(0.45, out[2 + TOP1], EPS);
    assertEquals(0.0, out[2 + MARGIN], EPS);
    assertEquals(0.0, out[0], 0.0); // before outOffset: untouched
  }

  @Test
  void nonFiniteProbabilities() {
    double[] out = new double[COUNT];
    assertEquals(
        -1, OutputStatistics.fromProbabilities(new float[] {0.5f, Float.NaN}, 0, 2, out, 0));
    for (double v : out) {
      assertTrue(Double.isNaN(v));
    }
    assertEquals(
        -1,
        OutputStatistics.fromProbabilities(
            new float[] {0.5f, Float.POSITIVE_INFINITY}, 0, 2, out, 0));
    assertTrue(Double.isNaN(out[TOP1]));
  }

  @Test
  void largeLogitsDoNotOverflow() {
    // softmax(1000, 1001) = softmax(0, 1) = (1/(1+e), e/(1+e)) = (0.2689414, 0.7310586);
    // exp(1000) alone would be +Inf.
    double[] out = new double[COUNT];
    assertEquals(1, OutputStatistics.fromLogits(new float[] {1000f, 1001f}, 0, 2, out, 0));
    assertEquals(0.7310586, out[TOP1], EPS);
    // 0.7310586 - 0.2689414
    assertEquals(0.4621172, out[MARGIN], EPS);
    // 0.2689414*ln(1/0.2689414) + 0.7310586*ln(1/0.7310586)
    //   = 0.2689414*1.3132617 + 0.7310586*0.3132617 = 0.3531922 + 0.2290109 = 0.5822031
    assertEquals(0.5822031, out[ENTROPY], EPS);
    // / ln 2 (0.6931472) = 0.8399415
    assertEquals(0.8399415, out[NORMALIZED_ENTROPY], EPS);
  }

  @Test
  void negativeLogits() {
    // softmax(-1, -2, -3): exp(0), exp(-1), exp(-2) = 1, 0.3678794, 0.1353353; S = 1.5032147
    // p = 0.6652410, 0.2447285, 0.0900306. (x / sum(x) would give 1/6, 2/6, 3/6: the wrong order.)
    double[] out = new double[COUNT];
    assertEquals(0, OutputStatistics.fromLogits(new float[] {-1f, -2f, -3f}, 0, 3, out, 0));
    assertEquals(0.6652410, out[TOP1], EPS);
    // 0.6652410 - 0.2447285
    assertEquals(0.4205125, out[MARGIN], EPS);
    // H = ln S + (1 * e^-1 + 2 * e^-2) / S = 0.4076059 + 0.6385500 / 1.5032147
    //   = 0.4076059 + 0.4247897 = 0.8323956
    assertEquals(0.8323956, out[ENTROPY], EPS);
    // / ln 3 (1.0986123) = 0.7576791
    assertEquals(0.7576791, out[NORMALIZED_ENTROPY], EPS);
    // shifting every logit by a constant changes nothing: same as (-1001, -1002, -1003)
    assertArrayEquals(out, fromLogits(-1001f, -1002f, -1003f), 1e-9);
  }

  @Test
  void logitsAgreeWithProbabilities() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      int k = 1 + rnd.nextInt(20);
      float[] x = new float[k];
      for (int c = 0; c < k; c++) {
        x[c] = (float) (rnd.nextGaussian() * 5 + 100 * rnd.nextGaussian());
      }
      // reference: exp(x - max) / sum, written out here
      double max = Double.NEGATIVE_INFINITY;
      for (float v : x) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (float v : x) {
        sum += Math.exp(v - max);
      }
      double[] p = new double[k];
      double h = 0;
      for (int c = 0; c < k; c++) {
        p[c] = Math.exp(x[c] - max) / sum;
        if (p[c] > 0) {
          h -= p[c] * Math.log(p[c]);
        }
      }
      double[] sorted = p.clone();
      Arrays.sort(sorted);
      double[] out = fromLogits(x);
      assertEquals(sorted[k - 1], out[TOP1], 1e-12);
      assertEquals(sorted[k - 1] - (k > 1 ? sorted[k - 2] : 0), out[MARGIN], 1e-12);
      assertEquals(h, out[ENTROPY], 1e-9);
      double[] softmax = new double[k];
      OutputStatistics.softmax(x, 0, k, softmax, 0);
      assertArrayEquals(p, softmax, 1e-12);
    }
  }

  @Test
  void infiniteAndNaNLogits() {
    // -Inf is a class with probability 0: softmax(0, -Inf) = (1, 0), entropy 0
    assertArrayEquals(new double[] {1, 1, 0, 0}, fromLogits(0f, Float.NEGATIVE_INFINITY), EPS);
    double[] out = new double[COUNT];
    assertEquals(-1, OutputStatistics.fromLogits(new float[] {1f, Float.NaN}, 0, 2, out, 0));
    assertTrue(Double.isNaN(out[TOP1]) && Double.isNaN(out[ENTROPY]));
    assertEquals(
        -1, OutputStatistics.fromLogits(new float[] {1f, Float.POSITIVE_INFINITY}, 0, 2, out, 0));
    assertTrue(Double.isNaN(out[MARGIN]));
    float ninf = Float.NEGATIVE_INFINITY;
    assertEquals(-1, OutputStatistics.fromLogits(new float[] {ninf, ninf}, 0, 2, out, 0));
    assertTrue(Double.isNaN(out[NORMALIZED_ENTROPY]));
  }

  @Test
  void softmaxIsStable() {
    double[] p = new double[3];
    OutputStatistics.softmax(new float[] {7f, 1000f, 1001f}, 1, 2, p, 1);
    // only the two logits from offset 1, written from index 1: (0.2689414, 0.7310586)
    assertArrayEquals(new double[] {0, 0.2689414, 0.7310586}, p, EPS);
    OutputStatistics.softmax(new float[] {2f, 2f, 2f, 2f}, 0, 3, p, 0);
    assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, p, 1e-15);
    OutputStatistics.softmax(new float[] {Float.NaN, 1f}, 0, 2, p, 0);
    assertTrue(Double.isNaN(p[0]) && Double.isNaN(p[1]));
  }

  @Test
  void embeddingNorm() {
    // sqrt(3^2 + 4^2) = 5
    assertEquals(5.0, OutputStatistics.l2Norm(new float[] {9f, 3f, 4f}, 1, 2), 0.0);
    // 3e38^2 overflows float but not double: sqrt(2 * 9e76) = 3e38 * sqrt 2 = 4.2426407e38,
    // itself above Float.MAX_VALUE (3.4e38)
    assertEquals(
        4.2426407e38, OutputStatistics.l2Norm(new float[] {3e38f, 3e38f}, 0, 2), 4.3e38 * 1e-7);
    assertEquals(0.0, OutputStatistics.l2Norm(new float[0], 0, 0), 0.0);
    assertTrue(Double.isNaN(OutputStatistics.l2Norm(new float[] {1f, Float.NaN}, 0, 2)));
    assertEquals(
        Double.POSITIVE_INFINITY,
        OutputStatistics.l2Norm(new float[] {1f, Float.NEGATIVE_INFINITY}, 0, 2),
        0.0);
  }

  @Test
  void embeddingNonFiniteCount() {
    float[] v = {Float.NaN, 1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, Float.NaN};
    assertEquals(4, OutputStatistics.nonFiniteCount(v, 0, v.length));
    assertEquals(2, OutputStatistics.nonFiniteCount(v, 1, 3));
    assertEquals(0, OutputStatistics.nonFiniteCount(v, 4, 1));
  }

  @Test
  void namesAndShapeErrors() {
    assertEquals("top1_probability", OutputStatistics.name(TOP1));
    assertEquals("margin", OutputStatistics.name(MARGIN));
    assertEquals("entropy", OutputStatistics.name(ENTROPY));
    assertEquals("normalized_entropy", OutputStatistics.name(NORMALIZED_ENTROPY));
    assertThrows(IllegalArgumentException.class, () -> OutputStatistics.name(COUNT));
    double[] out = new double[COUNT];
    assertThrows(
        IllegalArgumentException.class,
        () -> OutputStatistics.fromLogits(new float[1], 0, 0, out, 0));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> OutputStatistics.fromLogits(new float[2], 1, 2, out, 0));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> OutputStatistics.fromProbabilities(new float[2], 0, 2, out, 1));
    assertThrows(
        IndexOutOfBoundsException.class, () -> OutputStatistics.l2Norm(new float[2], 1, 2));
  }
}
