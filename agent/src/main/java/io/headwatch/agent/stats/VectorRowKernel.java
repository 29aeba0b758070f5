package io.headwatch.agent.stats;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The row kernel in SIMD lanes ({@code jdk.incubator.vector}), loaded only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} ({@link RowKernels}).
 *
 * <p>Per lane: the weight, its distance term {@code a * |i - j|} and {@code a ln a}, with {@code
 * ln} computed in float from the exponent bits and the mantissa {@code m} brought into [√½, √2):
 * {@code ln m = 2 atanh t}, {@code t = (m - 1) / (m + 1)}, {@code |t| <= 0.172}, as the series up
 * to {@code t^9} (truncation below 3e-9 relative). Lanes add in float within a block of at most
 * {@link #BLOCK} vectors (one row of up to 128 tokens on 16 lanes), then in double. So each result
 * is within about 1e-6 relative of the scalar kernel's (docs/statistics.md); {@code 0 ln 0} comes
 * out as 0 exactly, and subnormal weights (below 1.2e-38) carry an absolute error below 1e-36.
 *
 * <p>A run holding a negative weight is redone by the scalar kernel, so that such rows give exactly
 * the scalar results (NaN entropy); NaN and infinite weights make the caller's sum non-finite,
 * which turns the head NaN either way. The tail shorter than a vector goes to the scalar kernel.
 */
final class VectorRowKernel implements RowKernel, VectorRowKernelInfo {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
  private static final int LANES = F.length();

  /** Vectors added in float before the partial sums move to double. */
  static final int BLOCK = 8;

  private static final float SQRT2 = (float) Math.sqrt(2.0);
  private static final float LN2 = (float) Math.log(2.0);
  private static final FloatVector IOTA;

  static {
    float[] iota = new float[LANES];
    for (int k = 0; k < LANES; k++) {
      iota[k] = k;
    }
    IOTA = FloatVector.fromArray(F, iota, 0);
  }

  @Override
  public int lanes() {
    return LANES;
  }

  @Override
  public String name() {
    return "vector(" + LANES + " lanes)";
  }

  @Override
  public void addRun(float[] attn, int row, int from, int to, int query, double[] acc) {
    int upper = from + F.loopBound(to - from);
    DoubleVector sum = DoubleVector.zero(D);
    DoubleVector distance = DoubleVector.zero(D);
    DoubleVector plogp = DoubleVector.zero(D);
    FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    FloatVector min = FloatVector.zero(F);
    int j = from;
    while (j < upper) {
      int blockEnd = Math.min(upper, j + BLOCK * LANES);
      FloatVector blockSum = FloatVector.zero(F);
      FloatVector blockDistance = FloatVector.zero(F);
      FloatVector blockPlogp = FloatVector.zero(F);
      for (; j < blockEnd; j += LANES) {
        FloatVector a = FloatVector.fromArray(F, attn, row + j);
        max = max.max(a);
        min = min.min(a);
        blockSum = blockSum.add(a);
        FloatVector offsets = IOTA.add((float) (j - query)).abs();
        blockDistance = a.fma(offsets, blockDistance);
        blockPlogp = a.fma(ln(a), blockPlogp);
      }
      sum = addAsDoubles(sum, blockSum);
      distance = addAsDoubles(distance, blockDistance);
      plogp = addAsDoubles(plogp, blockPlogp);
    }
    if (min.reduceLanes(VectorOperators.MIN) < 0f) {
      ScalarRowKernel.INSTANCE.addRun(attn, row, from, to, query, acc);
      return;
    }
    if (upper > from) {
      acc[SUM] += sum.reduceLanes(VectorOperators.ADD);
      acc[MAX] = Math.max(acc[MAX], max.reduceLanes(VectorOperators.MAX));
      acc[DISTANCE] += distance.reduceLanes(VectorOperators.ADD);
      acc[PLOGP] += plogp.reduceLanes(VectorOperators.ADD);
    }
    if (upper < to) {
      ScalarRowKernel.INSTANCE.addRun(attn, row, upper, to, query, acc);
    }
  }

  private static DoubleVector addAsDoubles(DoubleVector into, FloatVector v) {
    return into.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0))
        .add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
  }

  /** Natural logarithm per lane, for positive and zero inputs (see the class comment). */
  static FloatVector ln(FloatVector a) {
    IntVector bits = a.reinterpretAsInts();
    FloatVector exponent =
        (FloatVector)
            bits.lanewise(VectorOperators.LSHR, 23).sub(127).convert(VectorOperators.I2F, 0);
    FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
    VectorMask<Float> high = m.compare(VectorOperators.GT, SQRT2);
    m = m.mul(0.5f, high);
    exponent = exponent.add(1f, high);
    FloatVector t = m.sub(1f).div(m.add(1f));
    FloatVector t2 = t.mul(t);
    FloatVector series = t2.fma(1f / 9f, 1f / 7f).fma(t2, FloatVector.broadcast(F, 1f / 5f));
    series =
        series.fma(t2, FloatVector.broadcast(F, 1f / 3f)).fma(t2, FloatVector.broadcast(F, 1f));
    return exponent.fma(FloatVector.broadcast(F, LN2), t.add(t).mul(series));
  }
}
