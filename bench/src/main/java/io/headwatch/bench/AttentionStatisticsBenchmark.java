package io.headwatch.bench;

import io.headwatch.agent.stats.AttentionStatistics;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the per-head attention statistics, in attention weights per second on one thread
 * (JMH's "ops/s" here are weights: each method declares how many weights one call reduces).
 *
 * <p>Inputs are softmax rows of random scores (seeded), 12 heads as in BERT-base/MiniLM, at 16, 128
 * and 512 tokens, all positions valid; a separate case has half the positions padded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AttentionStatisticsBenchmark {
  private static final int HEADS = 12;

  private float[] attention16;
  private float[] attention128;
  private float[] attention512;
  private boolean[] valid16;
  private boolean[] valid128;
  private boolean[] valid512;
  private boolean[] halfPadded128;
  private final double[] out = new double[HEADS * AttentionStatistics.COUNT];

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    attention16 = softmaxRows(random, 16);
    attention128 = softmaxRows(random, 128);
    attention512 = softmaxRows(random, 512);
    valid16 = AttentionStatistics.allValid(16);
    valid128 = AttentionStatistics.allValid(128);
    valid512 = AttentionStatistics.allValid(512);
    halfPadded128 = new boolean[128];
    Arrays.fill(halfPadded128, 0, 64, true);
  }

  /** Rows of a real softmax of scores with a few peaked keys, as trained heads produce. */
  static float[] softmaxRows(SplittableRandom random, int length) {
    float[] a = new float[HEADS * length * length];
    double[] scores = new double[length];
    for (int row = 0; row < HEADS * length; row++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < length; j++) {
        scores[j] = random.nextGaussian() * 2.0 + (random.nextInt(16) == 0 ? 6.0 : 0.0);
        max = Math.max(max, scores[j]);
      }
      double sum = 0;
      for (int j = 0; j < length; j++) {
        scores[j] = Math.exp(scores[j] - max);
        sum += scores[j];
      }
      for (int j = 0; j < length; j++) {
        a[row * length + j] = (float) (scores[j] / sum);
      }
    }
    return a;
  }

  @Benchmark
  @OperationsPerInvocation(HEADS * 16 * 16)
  public double[] tokens16() {
    AttentionStatistics.compute(attention16, 0, HEADS, 16, valid16, out);
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(HEADS * 128 * 128)
  public double[] tokens128() {
    AttentionStatistics.compute(attention128, 0, HEADS, 128, valid128, out);
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(HEADS * 512 * 512)
  public double[] tokens512() {
    AttentionStatistics.compute(attention512, 0, HEADS, 512, valid512, out);
    return out;
  }

  /**
   * Weights counted are the valid ones only (64 x 64 per head): padding is skipped, not reduced.
   */
  @Benchmark
  @OperationsPerInvocation(HEADS * 64 * 64)
  public double[] tokens128HalfPadded() {
    AttentionStatistics.compute(attention128, 0, HEADS, 128, halfPadded128, out);
    return out;
  }
}
