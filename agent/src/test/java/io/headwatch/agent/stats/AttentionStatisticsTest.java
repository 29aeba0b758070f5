package io.headwatch.agent.stats;

import static io.headwatch.agent.stats.AttentionStatistics.COUNT;
import static io.headwatch.agent.stats.AttentionStatistics.ENTROPY;
import static io.headwatch.agent.stats.AttentionStatistics.FIRST_TOKEN_MASS;
import static io.headwatch.agent.stats.AttentionStatistics.LAST_TOKEN_MASS;
import static io.headwatch.agent.stats.AttentionStatistics.MAX_WEIGHT;
import static io.headwatch.agent.stats.AttentionStatistics.MEAN_DISTANCE;
import static io.headwatch.agent.stats.AttentionStatistics.NEXT_MASS;
import static io.headwatch.agent.stats.AttentionStatistics.PREVIOUS_MASS;
import static io.headwatch.agent.stats.AttentionStatistics.SELF_MASS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pins every attention statistic with values computed by hand (arithmetic in the comments), plus a
 * randomised comparison against an independent naive implementation.
 */
class AttentionStatisticsTest {

  private static final double EPS = 1e-6;

  // The 3x3 example used throughout (rows sum to 1):
  //   row 0: 0.5 0.3 0.2
  //   row 1: 0.1 0.6 0.3
  //   row 2: 0.2 0.2 0.6
  private static final float[][] EXAMPLE = {
    {0.5f, 0.3f, 0.2f},
    {0.1f, 0.6f, 0.3f},
    {0.2f, 0.2f, 0.6f}
  };

  // Row entropies in nats:
  //   row 0: 0.5*ln2 + 0.3*ln(1/0.3) + 0.2*ln5 = 0.3465736 + 0.3611918 + 0.3218876 = 1.0296530
  //   row 1: 0.1*ln10 + 0.6*ln(1/0.6) + 0.3*ln(1/0.3)
  //          = 0.2302585 + 0.3064954 + 0.3611918 = 0.8979457
  //   row 2: 2*0.2*ln5 + 0.6*ln(1/0.6) = 0.6437752 + 0.3064954 = 0.9502705
  //   mean = 2.8778693 / 3 = 0.9592898; / ln3 (1.0986123) = 0.8731832
  private static final double EXAMPLE_ENTROPY = 0.8731832;

  private static double[] compute(float[] attn, int heads, int seqLen, boolean[] valid) {
    double[] out = new double[heads * COUNT];
    AttentionStatistics.compute(attn, 0, heads, seqLen, valid, out);
    return out;
  }

  /** Flattens [heads][seqLen][seqLen] into one array. */
  private static float[] flat(float[][]... heads) {
    int t = heads[0].length;
    float[] a = new float[heads.length * t * t];
    for (int h = 0; h < heads.length; h++) {
      for (int i = 0; i < t; i++) {
        System.arraycopy(heads[h][i], 0, a, (h * t + i) * t, t);
      }
    }
    return a;
  }

  private static void assertStat(double expected, double[] out, int head, int stat) {
    assertEquals(
        expected, out[head * COUNT + stat], EPS, AttentionStatistics.name(stat) + " head " + head);
  }

  @Test
  void uniformRows() {
    float q = 0.25f;
    float[][] rows = {{q, q, q, q}, {q, q, q, q}, {q, q, q, q}, {q, q, q, q}};
    double[] out = compute(flat(rows), 1, 4, AttentionStatistics.allValid(4));
    // -4 * 0.25 ln 0.25 = ln 4; / ln 4 = 1
    assertStat(1.0, out, 0, ENTROPY);
    assertStat(0.25, out, 0, MAX_WEIGHT);
    assertStat(0.25, out, 0, FIRST_TOKEN_MASS);
    assertStat(0.25, out, 0, LAST_TOKEN_MASS);
    assertStat(0.25, out, 0, SELF_MASS);
    // query 0 has no previous key (contributes 0), queries 1..3 put 0.25: 0.75 / 4 = 0.1875
    assertStat(0.1875, out, 0, PREVIOUS_MASS);
    // query 3 has no next key: 0.75 / 4 = 0.1875
    assertStat(0.1875, out, 0, NEXT_MASS);
    // sum_j |i-j| = 6, 4, 4, 6 for i = 0..3; times 0.25 = 1.5, 1, 1, 1.5; mean 5 / 4 = 1.25
    assertStat(1.25, out, 0, MEAN_DISTANCE);
  }

  @Test
  void oneHotRowsOnFirstToken() {
    float[][] rows = {{1, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}};
    double[] out = compute(flat(rows), 1, 4, AttentionStatistics.allValid(4));
    // 1 ln 1 + 3 * (0 ln 0 = 0) = 0: no NaN from the zeros
    assertStat(0.0, out, 0, ENTROPY);
    assertStat(1.0, out, 0, MAX_WEIGHT);
    assertStat(1.0, out, 0, FIRST_TOKEN_MASS);
    assertStat(0.0, out, 0, LAST_TOKEN_MASS);
    // only query 0 attends to itself: 1 / 4
    assertStat(0.25, out, 0, SELF_MASS);
    // only query 1 attends to its previous key (0): 1 / 4
    assertStat(0.25, out, 0, PREVIOUS_MASS);
    assertStat(0.0, out, 0, NEXT_MASS);
    // distances |i - 0| = 0, 1, 2, 3; mean 6 / 4 = 1.5
    assertStat(1.5, out, 0, MEAN_DISTANCE);
  }

  @Test
  void handExample3x3() {
    double[] out = compute(flat(EXAMPLE), 1, 3, AttentionStatistics.allValid(3));
    assertExample3x3(out, 0);
  }

  /** The 3x3 example's statistics, whatever positions it was embedded at. */
  private static void assertExample3x3(double[] out, int head) {
    assertStat(EXAMPLE_ENTROPY, out, head, ENTROPY);
    // max per row 0.5, 0.6, 0.6: 1.7 / 3
    assertStat(0.5666667, out, head, MAX_WEIGHT);
    // column 0: 0.5 + 0.1 + 0.2 = 0.8; / 3
    assertStat(0.2666667, out, head, FIRST_TOKEN_MASS);
    // column 2: 0.2 + 0.3 + 0.6 = 1.1; / 3
    assertStat(0.3666667, out, head, LAST_TOKEN_MASS);
    // diagonal: 0.5 + 0.6 + 0.6 = 1.7; / 3
    assertStat(0.5666667, out, head, SELF_MASS);
    // A[1][0] + A[2][1] = 0.1 + 0.2 = 0.3, query 0 contributes 0; / 3
    assertStat(0.1, out, head, PREVIOUS_MASS);
    // A[0][1] + A[1][2] = 0.3 + 0.3 = 0.6, query 2 contributes 0; / 3
    assertStat(0.2, out, head, NEXT_MASS);
    // row 0: 0.3*1 + 0.2*2 = 0.7; row 1: 0.1*1 + 0.3*1 = 0.4; row 2: 0.2*2 + 0.2*1 = 0.6
    // mean 1.7 / 3
    assertStat(0.5666667, out, head, MEAN_DISTANCE);
  }

  /** Embeds the 3x3 example into a 4x4 matrix whose padded row and column hold {@code pad}. */
  private static float[] embed(int padAt, float pad) {
    float[] a = new float[16];
    Arrays.fill(a, pad);
    int[] pos = padAt == 3 ? new int[] {0, 1, 2} : new int[] {1, 2, 3};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        a[pos[i] * 4 + pos[j]] = EXAMPLE[i][j];
      }
    }
    return a;
  }

  @Test
  void rightPaddingIsIgnored() {
    boolean[] valid = {true, true, true, false};
    // Whatever the padded query row and padded key column hold, the result is the 3x3 example.
    for (float pad : new float[] {0f, 0.9f, 5f, Float.NaN, Float.POSITIVE_INFINITY}) {
      double[] out = compute(embed(3, pad), 1, 4, valid);
      assertExample3x3(out, 0);
    }
  }

  @Test
  void leftPaddingIsIgnored() {
    // Left padding: the first valid key is position 1, so sink mass reads column 1, and query 1's
    // previous position 0 is padding (contributes 0), exactly like query 0 of the 3x3 example.
    boolean[] valid = {false, true, true, true};
    for (float pad : new float[] {0f, 0.9f, Float.NaN, Float.NEGATIVE_INFINITY}) {
      double[] out = compute(embed(0, pad), 1, 4, valid);
      assertExample3x3(out, 0);
    }
  }

  @Test
  void paddingHoleInTheMiddle() {
    // valid = {T, F, T, T}: keys 0, 2, 3 (n = 3); queries 0, 2, 3 with the example's rows.
    float x = 0.7f; // padded key column 1 and padded query row 1: must not matter
    float[] a = {0.5f, x, 0.3f, 0.2f, x, x, x, x, 0.1f, x, 0.6f, 0.3f, 0.2f, x, 0.2f, 0.6f};
    boolean[] valid = {true, false, true, true};
    double[] out = compute(a, 1, 4, valid);
    // Same weights per row as the 3x3 example, so the same entropy, max, sink and last mass.
    assertStat(EXAMPLE_ENTROPY, out, 0, ENTROPY);
    assertStat(0.5666667, out, 0, MAX_WEIGHT);
    assertStat(0.2666667, out, 0, FIRST_TOKEN_MASS);
    assertStat(0.3666667, out, 0, LAST_TOKEN_MASS);
    // A[0][0] + A[2][2] + A[3][3] = 0.5 + 0.6 + 0.6 = 1.7; / 3
    assertStat(0.5666667, out, 0, SELF_MASS);
    // query 0: none; query 2: key 1 is padding, 0; query 3: A[3][2] = 0.2. 0.2 / 3
    assertStat(0.0666667, out, 0, PREVIOUS_MASS);
    // query 0: key 1 is padding, 0; query 2: A[2][3] = 0.3; query 3: none. 0.3 / 3
    assertStat(0.1, out, 0, NEXT_MASS);
    // query 0: 0.3*2 + 0.2*3 = 1.2; query 2: 0.1*2 + 0.3*1 = 0.5; query 3: 0.2*3 + 0.2*1 = 0.8
    // mean 2.5 / 3
    assertStat(0.8333333, out, 0, MEAN_DISTANCE);

    // Changing every padded value changes nothing, bit for bit.
    float[] b = a.clone();
    for (int k = 0; k < 16; k++) {
      if (k / 4 == 1 || k % 4 == 1) {
        b[k] = Float.NaN;
      }
    }
    assertArrayEquals(out, compute(b, 1, 4, valid));
  }

  @Test
  void noRenormalisationWhenPaddedKeysCarryWeight() {
    // Row {0.5, 0.5 | 0.5 padded}: the padded key's weight is dropped, not redistributed.
    float[][] rows = {{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}, {0f, 0f, 0f}};
    double[] out = compute(flat(rows), 1, 3, new boolean[] {true, true, false});
    // -2 * 0.5 ln 0.5 = ln 2; / ln 2 = 1
    assertStat(1.0, out, 0, ENTROPY);
    assertStat(0.5, out, 0, MAX_WEIGHT);
    assertStat(0.5, out, 0, FIRST_TOKEN_MASS);
    assertStat(0.5, out, 0, LAST_TOKEN_MASS);
    // each query 0.5 at distance 1: mean 0.5
    assertStat(0.5, out, 0, MEAN_DISTANCE);
  }

  @Test
  void sequenceOfLengthOne() {
    double[] out = new double[COUNT];
    int queries = AttentionStatistics.compute(new float[] {1f}, 0, 1, 1, new boolean[] {true}, out);
    assertEquals(1, queries);
    // n == 1: entropy defined as 0 (ln 1 = 0 would divide by zero)
    assertArrayEquals(new double[] {0, 1, 1, 1, 1, 0, 0, 0}, out, EPS);
  }

  @Test
  void singleValidPositionAmongPadding() {
    float[] a = new float[9];
    Arrays.fill(a, 0.3f);
    a[0] = 1f;
    double[] out = compute(a, 1, 3, new boolean[] {true, false, false});
    assertArrayEquals(new double[] {0, 1, 1, 1, 1, 0, 0, 0}, out, EPS);
  }

  @Test
  void allPaddingGivesNaNAndZeroQueries() {
    double[] out = new double[2 * COUNT];
    int queries = AttentionStatistics.compute(new float[18], 0, 2, 3, new boolean[3], out);
    assertEquals(0, queries);
    for (double v : out) {
      assertTrue(Double.isNaN(v));
    }
  }

  @Test
  void nonFiniteWeightPoisonsOnlyItsHead() {
    float[] bad = flat(EXAMPLE, EXAMPLE);
    for (float poison : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] a = bad.clone();
      a[9 + 1 * 3 + 2] = poison; // head 1, A[1][2]
      double[] out = compute(a, 2, 3, AttentionStatistics.allValid(3));
      assertExample3x3(out, 0);
      for (int s = 0; s < COUNT; s++) {
        assertTrue(Double.isNaN(out[COUNT + s]), AttentionStatistics.name(s) + " " + poison);
      }
    }
    // NaN on the diagonal is read by max and self as well: still NaN, no exception.
    float[] a = flat(EXAMPLE);
    a[0] = Float.NaN;
    double[] out = compute(a, 1, 3, AttentionStatistics.allValid(3));
    for (double v : out) {
      assertTrue(Double.isNaN(v));
    }
  }

  @Test
  void veryPeakedRow() {
    // e = 2^-24 (exact in float); row {1 - 3e, e, e, e}, also exact.
    // H = -(1-3e) ln(1-3e) - 3e ln e = 1.78813934e-7 (first term, ~3e) + 3e*24 ln2 (2.97466497e-6)
    //   = 3.15347890e-6 nats; / ln 4 (1.38629436) = 2.27475419e-6
    float e = 0x1p-24f;
    float big = 1f - 3 * e;
    float[][] rows = {{big, e, e, e}, {big, e, e, e}, {big, e, e, e}, {big, e, e, e}};
    double[] out = compute(flat(rows), 1, 4, AttentionStatistics.allValid(4));
    assertEquals(2.27475419e-6, out[ENTROPY], 1e-12);
    assertEquals(0.99999982, out[MAX_WEIGHT], 1e-8);
  }

  @Test
  void veryFlatRow() {
    // Row {0.265625, 0.234375, 0.25, 0.25} (= 1/4 +- 1/64, exact in float):
    // H = 0.265625*1.32567 + 0.234375*1.45083 + 0.5*1.38629 = 1.38531716 nats;
    // / ln 4 = 0.99929510
    float[] row = {0.265625f, 0.234375f, 0.25f, 0.25f};
    double[] out =
        compute(flat(new float[][] {row, row, row, row}), 1, 4, AttentionStatistics.allValid(4));
    assertEquals(0.99929510, out[ENTROPY], 1e-8);
    assertEquals(0.265625, out[MAX_WEIGHT], 1e-12);
  }

  @Test
  void longUniformSequence() {
    // 512 keys of 1/512 (exact in float): entropy ln 512 / ln 512 = 1, max 1/512
    int t = 512;
    float[] a = new float[t * t];
    Arrays.fill(a, 1f / t);
    double[] out = compute(a, 1, t, AttentionStatistics.allValid(t));
    assertEquals(1.0, out[ENTROPY], 1e-9);
    assertEquals(1.0 / 512, out[MAX_WEIGHT], 1e-12);
    // sum_j |i-j| = (i(i+1) + (t-1-i)(t-i)) / 2; averaged over i = (t^2 - 1) / 3 / t per unit
    // weight: (512^2 - 1) / 3 / 512 = 170.666016
    assertEquals(170.666016, out[MEAN_DISTANCE], 1e-5);
  }

  @Test
  void multiHeadLayoutWithOffsets() {
    // Head 0: the 3x3 example; head 1: every query attends only to the last key (2).
    float[][] last = {{0, 0, 1}, {0, 0, 1}, {0, 0, 1}};
    float[] heads = flat(EXAMPLE, last);
    float[] a = new float[5 + heads.length + 3];
    Arrays.fill(a, Float.NaN); // anything outside the slice must not be read
    System.arraycopy(heads, 0, a, 5, heads.length);
    double[] out = new double[4 + 2 * COUNT];
    Arrays.fill(out, -7);
    int queries = AttentionStatistics.compute(a, 5, 2, 3, AttentionStatistics.allValid(3), out, 4);
    assertEquals(3, queries);
    for (int k = 0; k < 4; k++) {
      assertEquals(-7, out[k]); // before outOffset: untouched
    }
    double[] shifted = Arrays.copyOfRange(out, 4, out.length);
    assertExample3x3(shifted, 0);
    // head 1: entropy 0; max 1; sink A[i][0] = 0; last 1; self: only query 2 (1 / 3);
    // previous: A[1][0] = A[2][1] = 0, so 0; next: only A[1][2] = 1, so 1 / 3;
    // distance |i - 2| = 2, 1, 0, mean 3 / 3 = 1
    assertArrayEquals(
        new double[] {0, 1, 0, 1, 1.0 / 3, 0, 1.0 / 3, 1},
        Arrays.copyOfRange(shifted, COUNT, 2 * COUNT),
        EPS);
  }

  @Test
  void namesAreTheTelemetryNames() {
    String[] expected = {
      "entropy", "max_weight", "sink_mass", "last_token_mass",
      "self_mass", "previous_mass", "next_mass", "mean_distance"
    };
    for (int s = 0; s < COUNT; s++) {
      assertEquals(expected[s], AttentionStatistics.name(s));
    }
    assertEquals("sink_mass", AttentionStatistics.name(FIRST_TOKEN_MASS));
    assertThrows(IllegalArgumentException.class, () -> AttentionStatistics.name(COUNT));
    assertThrows(IllegalArgumentException.class, () -> AttentionStatistics.name(-1));
  }

  @Test
  void masksConvertToBooleans() {
    long[] longMask = {9, 9, 1, 1, 0, 0, 9};
    assertArrayEquals(
        new boolean[] {true, true, false, false},
        AttentionStatistics.validFromMask(longMask, 2, 4));
    int[] intMask = {1, 0, 1};
    assertArrayEquals(
        new boolean[] {true, false, true}, AttentionStatistics.validFromMask(intMask, 0, 3));
    assertArrayEquals(new boolean[] {true, true}, AttentionStatistics.allValid(2));
    assertThrows(
        IndexOutOfBoundsException.class, () -> AttentionStatistics.validFromMask(intMask, 1, 3));
  }

  @Test
  void shapeErrorsThrow() {
    double[] out = new double[COUNT];
    boolean[] valid = AttentionStatistics.allValid(3);
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> AttentionStatistics.compute(new float[8], 0, 1, 3, valid, out));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> AttentionStatistics.compute(new float[9], 1, 1, 3, valid, out));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> AttentionStatistics.compute(new float[18], 0, 2, 3, valid, out));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> AttentionStatistics.compute(new float[9], 0, 1, 3, new boolean[2], out));
    assertThrows(
        IllegalArgumentException.class,
        () -> AttentionStatistics.compute(new float[9], 0, 0, 3, valid, out));
  }

  @Test
  void randomisedAgainstNaiveReference() {
    Random rnd = new Random(20261126L);
    for (int trial = 0; trial < 2000; trial++) {
      int heads = 1 + rnd.nextInt(4);
      int t = 1 + rnd.nextInt(40);
      boolean[] valid = randomMask(rnd, t);
      int offset = rnd.nextInt(7);
      float[] a = new float[offset + heads * t * t + rnd.nextInt(3)];
      for (int k = 0; k < a.length; k++) {
        // Padded positions and the space around the slice: garbage the code must not read.
        a[k] = rnd.nextInt(10) == 0 ? Float.NaN : rnd.nextFloat() * 3;
      }
      for (int h = 0; h < heads; h++) {
        for (int i = 0; i < t; i++) {
          if (valid[i]) {
            fillRow(rnd, a, offset + (h * t + i) * t, t, valid);
          }
        }
      }
      if (trial % 50 == 7) {
        // now and then a non-finite weight anywhere, valid position or not
        a[offset + rnd.nextInt(heads * t * t)] =
            rnd.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
      }
      double[] out = new double[heads * COUNT];
      int queries = AttentionStatistics.compute(a, offset, heads, t, valid, out);
      double[] expected = naive(a, offset, heads, t, valid);
      int validCount = 0;
      for (boolean v : valid) {
        validCount += v ? 1 : 0;
      }
      assertEquals(validCount, queries);
      for (int k = 0; k < out.length; k++) {
        String what =
            "trial " + trial + " head " + k / COUNT + " " + AttentionStatistics.name(k % COUNT);
        if (Double.isNaN(expected[k])) {
          assertTrue(Double.isNaN(out[k]), what);
        } else {
          assertEquals(expected[k], out[k], 1e-6, what);
        }
      }
    }
  }

  private static boolean[] randomMask(Random rnd, int t) {
    boolean[] valid = new boolean[t];
    switch (rnd.nextInt(5)) {
      case 0: // no padding
        Arrays.fill(valid, true);
        break;
      case 1: // right padding, possibly everything padded
        Arrays.fill(valid, 0, rnd.nextInt(t + 1), true);
        break;
      case 2: // left padding
        Arrays.fill(valid, rnd.nextInt(t + 1), t, true);
        break;
      default: // holes anywhere
        for (int i = 0; i < t; i++) {
          valid[i] = rnd.nextInt(4) != 0;
        }
    }
    return valid;
  }

  /**
   * A softmax-like row over the valid keys: peaked or flat, sometimes with exact zeros, sometimes
   * leaking weight to padded keys (the model's mask is not always exact).
   */
  private static void fillRow(Random rnd, float[] a, int base, int t, boolean[] valid) {
    double scale = Math.exp(rnd.nextGaussian() * 3); // from very flat to very peaked
    double[] logit = new double[t];
    boolean[] used = new boolean[t];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < t; j++) {
      if (valid[j] || rnd.nextInt(8) == 0) {
        used[j] = true;
        logit[j] = scale * rnd.nextGaussian();
        max = Math.max(max, logit[j]);
      }
    }
    double[] w = new double[t];
    double sum = 0;
    for (int j = 0; j < t; j++) {
      if (used[j]) {
        // shifted by the max so that exp cannot overflow; some exact zeros on purpose
        w[j] = (rnd.nextInt(6) == 0) ? 0 : Math.exp(logit[j] - max);
        sum += w[j];
      }
    }
    for (int j = 0; j < t; j++) {
      if (valid[j] || w[j] != 0) {
        a[base + j] = sum > 0 ? (float) (w[j] / sum) : 0f;
      }
    }
  }

  /** The definitions read literally: one statistic at a time, obvious loops, double precision. */
  private static double[] naive(float[] a, int offset, int heads, int t, boolean[] valid) {
    double[] out = new double[heads * COUNT];
    int n = 0;
    int firstKey = -1;
    int lastKey = -1;
    for (int j = 0; j < t; j++) {
      if (valid[j]) {
        n++;
        if (firstKey == -1) {
          firstKey = j;
        }
        lastKey = j;
      }
    }
    for (int h = 0; h < heads; h++) {
      double[] sums = new double[COUNT];
      boolean nonFinite = false;
      for (int i = 0; i < t; i++) {
        if (!valid[i]) {
          continue;
        }
        double[] row = new double[t];
        for (int j = 0; j < t; j++) {
          row[j] = a[offset + h * t * t + i * t + j];
          if (valid[j] && !Double.isFinite(row[j])) {
            nonFinite = true;
          }
        }
        double ent = 0;
        double max = -1e300;
        double dist = 0;
        for (int j = 0; j < t; j++) {
          if (valid[j]) {
            if (row[j] > 0) {
              ent -= row[j] * Math.log(row[j]);
            }
            max = Math.max(max, row[j]);
            dist += row[j] * Math.abs(i - j);
          }
        }
        sums[ENTROPY] += ent;
        sums[MAX_WEIGHT] += max;
        sums[FIRST_TOKEN_MASS] += row[firstKey];
        sums[LAST_TOKEN_MASS] += row[lastKey];
        sums[SELF_MASS] += row[i];
        sums[PREVIOUS_MASS] += (i - 1 >= 0 && valid[i - 1]) ? row[i - 1] : 0;
        sums[NEXT_MASS] += (i + 1 < t && valid[i + 1]) ? row[i + 1] : 0;
        sums[MEAN_DISTANCE] += dist;
      }
      for (int s = 0; s < COUNT; s++) {
        double mean = n == 0 || nonFinite ? Double.NaN : sums[s] / n;
        if (s == ENTROPY && n > 0 && !nonFinite) {
          mean = n == 1 ? 0 : mean / Math.log(n);
        }
        out[h * COUNT + s] = mean;
      }
    }
    return out;
  }

  @Test
  void entropyRoundingAboveOneIsSnappedButRealLeaksAreKept() {
    // 1 + 4.6e-9 (float rounding of a uniform row) -> 1; 1.01 (weight outside the valid keys) kept.
    assertEquals(1.0, AttentionStatistics.snapToUnitInterval(1.0 + 4.6e-9));
    assertEquals(0.0, AttentionStatistics.snapToUnitInterval(-3e-9));
    assertEquals(1.01, AttentionStatistics.snapToUnitInterval(1.01));
    assertEquals(-0.5, AttentionStatistics.snapToUnitInterval(-0.5));
    assertEquals(0.25, AttentionStatistics.snapToUnitInterval(0.25));
  }
}
