package io.headwatch.agent.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD row kernel against the scalar one. Runs in its own Surefire execution with {@code
 * --add-modules jdk.incubator.vector} (agent/pom.xml), where the vector kernel must be the one
 * chosen; the default execution leaves this class out.
 */
class VectorRowKernelTest {
  private static final double RELATIVE = 1e-6;

  private static double[] fresh() {
    return new double[] {0, Double.NEGATIVE_INFINITY, 0, 0};
  }

  private static void assertClose(double expected, double actual, String what) {
    double scale = Math.max(Math.abs(expected), 1e-12);
    assertTrue(
        Math.abs(expected - actual) <= RELATIVE * scale,
        what + ": scalar " + expected + ", vector " + actual);
  }

  private static void compare(RowKernel vector, float[] a, int row, int from, int to, int query) {
    double[] s = fresh();
    double[] v = fresh();
    ScalarRowKernel.INSTANCE.addRun(a, row, from, to, query, s);
    vector.addRun(a, row, from, to, query, v);
    String where = "run [" + from + ", " + to + ") query " + query;
    assertClose(s[RowKernel.SUM], v[RowKernel.SUM], "sum " + where);
    assertEquals(s[RowKernel.MAX], v[RowKernel.MAX], "max " + where);
    assertClose(s[RowKernel.DISTANCE], v[RowKernel.DISTANCE], "distance " + where);
    assertClose(s[RowKernel.PLOGP], v[RowKernel.PLOGP], "a ln a " + where);
  }

  /** A softmax row of random scores, a few keys peaked, as trained heads produce. */
  private static float[] softmax(SplittableRandom random, int n) {
    double[] e = new double[n];
    double sum = 0;
    for (int j = 0; j < n; j++) {
      e[j] = Math.exp(random.nextGaussian() * 2 + (random.nextInt(16) == 0 ? 6 : 0));
      sum += e[j];
    }
    float[] a = new float[n];
    for (int j = 0; j < n; j++) {
      a[j] = (float) (e[j] / sum);
    }
    return a;
  }

  @Test
  void theVectorKernelIsChosenWhenTheModuleIsPresent() {
    assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    RowKernel best = RowKernels.best();
    assertInstanceOf(VectorRowKernel.class, best, best.name());
    assertTrue(((VectorRowKernel) best).lanes() >= 4);
  }

  @Test
  void randomRowsAgreeWithTheScalarKernel() {
    RowKernel vector = RowKernels.vectorOrNull();
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 1; n <= 600; n += 1 + n / 8) {
      float[] a = softmax(random, n);
      // Padding around the row, as in a [heads][n][n] array.
      float[] padded = new float[n + 40];
      Arrays.fill(padded, Float.NaN);
      System.arraycopy(a, 0, padded, 17, n);
      compare(vector, padded, 17, 0, n, random.nextInt(n));
      // Runs that start and end anywhere (masks with holes).
      int from = random.nextInt(n);
      int to = from + 1 + random.nextInt(n - from);
      compare(vector, padded, 17, from, to, random.nextInt(n));
    }
  }

  @Test
  void edgeValuesAgreeWithTheScalarKernel() {
    RowKernel vector = RowKernels.vectorOrNull();
    float[][] rows = {
      new float[64], // all zero
      one(64, 0, 1f),
      one(64, 63, 1f),
      fill(64, 1f / 64),
      fill(100, Float.MIN_VALUE), // subnormal
      fill(40, Float.MIN_NORMAL),
      fill(48, 1f - Math.ulp(1f)),
      fill(48, 1f + Math.ulp(1f)),
      fill(32, 1e-30f),
    };
    for (float[] row : rows) {
      for (int q : new int[] {0, row.length / 2, row.length - 1}) {
        compare(vector, row, 0, 0, row.length, q);
      }
    }
  }

  @Test
  void aNegativeWeightGivesExactlyTheScalarResult() {
    RowKernel vector = RowKernels.vectorOrNull();
    float[] row = fill(70, 1f / 70);
    row[33] = -0.25f;
    double[] s = fresh();
    double[] v = fresh();
    ScalarRowKernel.INSTANCE.addRun(row, 0, 0, 70, 5, s);
    vector.addRun(row, 0, 0, 70, 5, v);
    assertEquals(Arrays.toString(s), Arrays.toString(v));
    assertTrue(Double.isNaN(v[RowKernel.PLOGP]), "ln of a negative weight is NaN");
  }

  @Test
  void nonFiniteWeightsReachTheSum() {
    RowKernel vector = RowKernels.vectorOrNull();
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      float[] row = fill(50, 0.02f);
      row[20] = bad;
      double[] v = fresh();
      vector.addRun(row, 0, 0, 50, 1, v);
      assertTrue(!Double.isFinite(v[RowKernel.SUM]), "sum with " + bad);
    }
  }

  @Test
  void statisticsOfWholeHeadsAgreeWithThoseOfTheScalarKernel() {
    SplittableRandom random = new SplittableRandom(3);
    int heads = 12;
    for (int n : new int[] {1, 7, 16, 33, 128, 257}) {
      float[] attn = new float[heads * n * n];
      for (int r = 0; r < heads * n; r++) {
        System.arraycopy(softmax(random, n), 0, attn, r * n, n);
      }
      boolean[] valid = AttentionStatistics.allValid(n);
      if (n > 8) {
        valid[n - 1] = false;
        valid[n / 2] = false;
      }
      double[] vector = new double[heads * AttentionStatistics.COUNT];
      AttentionStatistics.compute(attn, 0, heads, n, valid, vector);
      double[] scalar = new double[heads * AttentionStatistics.COUNT];
      AttentionStatistics.compute(attn, 0, heads, n, valid, scalar, 0, ScalarRowKernel.INSTANCE);
      for (int k = 0; k < scalar.length; k++) {
        assertClose(scalar[k], vector[k], "n " + n + " output " + k);
      }
    }
  }

  private static float[] fill(int n, float value) {
    float[] a = new float[n];
    Arrays.fill(a, value);
    return a;
  }

  private static float[] one(int n, int at, float value) {
    float[] a = new float[n];
    a[at] = value;
    return a;
  }
}
