package io.headwatch.agent.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checks the fast logarithm against {@link Math#log}: bound 1e-10 relative, 1e-7 promised. */
class FastLogTest {

  private static final double BOUND = 1e-10;

  private static void check(float a) {
    double expected = Math.log(a);
    double actual = FastLog.log(a);
    double error =
        expected == 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
    if (!(error <= BOUND)) {
      throw new AssertionError("ln(" + a + "): " + actual + " vs " + expected + ", rel " + error);
    }
  }

  @Test
  void everyFloatAroundOne() {
    // All 2^25 floats in [0.25, 4): the binades where ln a crosses 0 and the table wraps (c = 2).
    int from = Float.floatToRawIntBits(0.25f);
    int to = Float.floatToRawIntBits(4f);
    for (int bits = from; bits < to; bits++) {
      check(Float.intBitsToFloat(bits));
    }
  }

  @Test
  void strideOverAllPositiveNormalFloats() {
    // 2^31 / 1021 ~ 2.1 million samples from the smallest normal float to Float.MAX_VALUE.
    for (int bits = 0x00800000; bits < 0x7f800000 && bits > 0; bits += 1021) {
      check(Float.intBitsToFloat(bits));
    }
    check(Float.MIN_NORMAL);
    check(Float.MAX_VALUE);
  }

  @Test
  void neighboursOfOneAreRelativelyAccurate() {
    // ln(1 - 2^-24) = -5.96e-8 and ln(1 + 2^-23) = 1.19e-7: the smallest |ln a| a float can have.
    check(Math.nextDown(1f));
    check(Math.nextUp(1f));
    assertEquals(0.0, FastLog.log(1f), 0.0);
    // ln 2 = 0.6931471805599453, ln 0.5 = -ln 2 (exact multiples of ln 2 from the exponent)
    assertEquals(0.6931471805599453, FastLog.log(2f), 1e-15);
    assertEquals(-0.6931471805599453, FastLog.log(0.5f), 1e-15);
  }

  @Test
  void specialValuesAreThoseOfMathLog() {
    assertEquals(Double.NEGATIVE_INFINITY, FastLog.log(0f));
    assertEquals(Double.NEGATIVE_INFINITY, FastLog.log(-0f));
    assertTrue(Double.isNaN(FastLog.log(-1f)));
    assertTrue(Double.isNaN(FastLog.log(Float.NaN)));
    assertEquals(Double.POSITIVE_INFINITY, FastLog.log(Float.POSITIVE_INFINITY));
    assertTrue(Double.isNaN(FastLog.log(Float.NEGATIVE_INFINITY)));
    // subnormals go to Math.log
    assertEquals(Math.log(Float.MIN_VALUE), FastLog.log(Float.MIN_VALUE), 0.0);
  }
}
