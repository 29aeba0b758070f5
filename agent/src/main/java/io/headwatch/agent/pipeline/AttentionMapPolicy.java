package io.headwatch.agent.pipeline;

import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.agent.stats.SequenceStatistics;
import java.util.function.LongSupplier;

/**
 * Which captured sequences of one model also send their attention maps, and within what byte
 * budget. A map is what a person looks at on a prediction's page, and it is large (one byte per
 * weight), so only some sequences carry one:
 *
 * <ul>
 *   <li>{@code operator}: every sequence, while the operator turns it on ({@code
 *       headwatch.maps.all}, or at run time through the agent's JMX control);
 *   <li>{@code unusual}: a sequence one of whose heads lies at least {@code
 *       headwatch.maps.unusual_z} running standard deviations from that head's own running mean
 *       (entropy, max weight or sink mass; exponentially weighted, after a warm-up) — so that the
 *       predictions someone will want to look at carry their pictures;
 *   <li>{@code random}: a share {@code headwatch.maps.rate} of the others, so that ordinary
 *       predictions can be looked at too.
 * </ul>
 *
 * All within {@code headwatch.maps.max_bytes_per_minute} (a token bucket); a map that does not fit
 * is skipped and counted. Used by the statistics worker only.
 */
final class AttentionMapPolicy {
  static final String OPERATOR = "operator";
  static final String UNUSUAL = "unusual";
  static final String RANDOM = "random";

  /** Sequences a head's running mean needs before a sequence can be called unusual. */
  static final int WARM_UP = 30;

  private static final int[] STATS = {
    AttentionStatistics.ENTROPY,
    AttentionStatistics.MAX_WEIGHT,
    AttentionStatistics.FIRST_TOKEN_MASS
  };
  private static final double WEIGHT = 0.05;
  private static final double MIN_SD = 0.02;

  private final double randomRate;
  private final double unusualZ;
  private final double bytesPerMinute;
  private final LongSupplier clock;
  private final java.util.Random random;
  private double tokens;
  private long last;
  private double[][] mean;
  private double[][] variance;
  private int seen;

  AttentionMapPolicy(
      double randomRate,
      double unusualZ,
      long bytesPerMinute,
      LongSupplier clock,
      java.util.Random random) {
    this.randomRate = randomRate;
    this.unusualZ = unusualZ;
    this.bytesPerMinute = bytesPerMinute;
    this.clock = clock;
    this.random = random;
    this.tokens = bytesPerMinute;
    this.last = clock.getAsLong();
  }

  /**
   * Why this sequence should carry its maps ({@link #OPERATOR}, {@link #UNUSUAL}, {@link #RANDOM}),
   * or null. Updates the running reference with the sequence either way.
   */
  String reason(SequenceStatistics s, boolean operatorOn) {
    boolean unusual = observe(s);
    if (operatorOn) {
      return OPERATOR;
    }
    if (unusual) {
      return UNUSUAL;
    }
    return randomRate > 0 && random.nextDouble() < randomRate ? RANDOM : null;
  }

  /** Takes {@code bytes} from the budget; false (nothing taken) when they do not fit. */
  boolean spend(long bytes) {
    long now = clock.getAsLong();
    tokens = Math.min(bytesPerMinute, tokens + (now - last) * bytesPerMinute / 60e9);
    last = now;
    if (bytes > tokens) {
      return false;
    }
    tokens -= bytes;
    return true;
  }

  /** Updates each head's running mean and variance; true when a head was far from its own. */
  private boolean observe(SequenceStatistics s) {
    double[][] values = new double[STATS.length][];
    for (int k = 0; k < STATS.length; k++) {
      values[k] = s.attentionStatistic(STATS[k]);
      if (values[k] == null) {
        return false;
      }
    }
    int n = values[0].length;
    if (mean == null || mean[0].length != n) {
      mean = new double[STATS.length][n];
      variance = new double[STATS.length][n];
      seen = 0;
    }
    boolean unusual = false;
    for (int k = 0; k < STATS.length; k++) {
      for (int i = 0; i < n; i++) {
        double x = values[k][i];
        if (!Double.isFinite(x)) {
          unusual |= seen >= WARM_UP; // a NaN head is the most unusual of all
          continue;
        }
        double d = x - mean[k][i];
        if (seen >= WARM_UP && unusualZ > 0) {
          double sd = Math.max(Math.sqrt(variance[k][i]), MIN_SD);
          unusual |= Math.abs(d) / sd >= unusualZ;
        }
        if (seen == 0) {
          mean[k][i] = x;
        } else {
          mean[k][i] += WEIGHT * d;
          variance[k][i] = (1 - WEIGHT) * (variance[k][i] + WEIGHT * d * d);
        }
      }
    }
    seen++;
    return unusual;
  }
}
