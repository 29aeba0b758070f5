package io.headwatch.agent.export;

import java.util.Locale;

/**
 * Decides which per-head attention series one model records, so that the number of metric series
 * stays bounded whatever the model's size (GPT-3 has 96 x 96 = 9,216 heads).
 *
 * <ul>
 *   <li>{@code head}: every head has one series per statistic, the sum of its values over the
 *       sampled sequences (a counter; divided by the model's sequence count, the head's mean).
 *   <li>{@code head_histogram}: every head has a histogram per statistic (about a dozen series
 *       each: the distribution, for a few heads or a big metrics budget).
 *   <li>{@code layer}: no per-head series; only the per-layer distributions, which every mode
 *       records ({@code headwatch.attention.layer.*}: layers per statistic).
 *   <li>{@code top_k}: per-layer distributions, plus, for each sampled sequence, the series of the
 *       k heads of each layer that lie furthest from their own running mean (robust enough for a
 *       choice of what to show: an exponentially weighted mean and variance per head and
 *       statistic). Head series are created on demand up to a cap; past it, heads that have no
 *       series yet are not recorded (counted as dropped, reason {@code series_limit}).
 *   <li>{@code auto} (the default): {@code head} when layers x heads is within the cap, else {@code
 *       top_k}.
 * </ul>
 *
 * <p>Every mode records the per-layer distributions.
 *
 * <p>Used by the statistics worker only; synchronised for safety, never contended.
 */
public final class AttentionSeries {
  /** Which per-head series a model records. */
  public enum Mode {
    HEAD,
    HEAD_HISTOGRAM,
    LAYER,
    TOP_K
  }

  /** Sequences a head's running mean needs before it can be called deviant. */
  static final int WARM_UP = 20;

  private static final double WEIGHT = 0.05;
  private static final double MIN_SD = 0.01;
  static final int STATISTICS = 3; // entropy, max weight, sink mass

  private final String configured;
  private final int topK;
  private final int maxHeadSeries;
  private Mode mode;
  private int heads = -1;
  private boolean[] hasSeries = new boolean[0];
  private int seriesCount;
  private double[] mean = new double[0];
  private double[] variance = new double[0];
  private int[] seen = new int[0];
  private double[] deviation = new double[0];

  /**
   * @param configured {@code auto}, {@code head}, {@code layer} or {@code top_k}
   * @param topK heads per layer and sequence recorded in {@code top_k} mode
   * @param maxHeadSeries cap on per-head series in {@code top_k} mode, and the {@code auto}
   *     threshold
   */
  public AttentionSeries(String configured, int topK, int maxHeadSeries) {
    this.configured = configured.toLowerCase(Locale.ROOT);
    this.topK = topK;
    this.maxHeadSeries = maxHeadSeries;
  }

  /** The mode for a model of {@code layers x heads}, fixed at its first capture. */
  public synchronized Mode mode(int layers, int headsPerLayer) {
    if (mode == null) {
      switch (configured) {
        case "head":
          mode = Mode.HEAD;
          break;
        case "head_histogram":
          mode = Mode.HEAD_HISTOGRAM;
          break;
        case "layer":
          mode = Mode.LAYER;
          break;
        case "top_k":
          mode = Mode.TOP_K;
          break;
        default:
          mode = (long) layers * headsPerLayer <= maxHeadSeries ? Mode.HEAD : Mode.TOP_K;
      }
    }
    return mode;
  }

  /**
   * Which heads of this layer to record per head for one sequence: fills {@code selected} and
   * returns how many heads a cap kept out (0 in the head modes, where the cap does not apply).
   *
   * @param stats {@code heads x AttentionStatistics.COUNT} values of this layer and sequence
   * @param index index in {@code stats} of entropy, max weight and sink mass within a head's block
   */
  synchronized int select(
      int layers,
      int layer,
      int headsPerLayer,
      double[] stats,
      int stride,
      int[] index,
      boolean[] selected) {
    Mode m = mode(layers, headsPerLayer);
    java.util.Arrays.fill(selected, 0, headsPerLayer, m == Mode.HEAD_HISTOGRAM);
    if (m != Mode.TOP_K) {
      return 0;
    }
    ensureCapacity(layers, headsPerLayer);
    if (headsPerLayer != heads || layer >= hasSeries.length / heads) {
      return 0; // a layer shaped unlike the first: its per-layer distribution is recorded only
    }
    int base = layer * heads;
    int ready = 0;
    for (int h = 0; h < headsPerLayer; h++) {
      double worst = 0;
      int slot = (base + h) * STATISTICS;
      for (int s = 0; s < STATISTICS; s++) {
        double x = stats[h * stride + index[s]];
        if (Double.isNaN(x)) {
          continue;
        }
        double sd = Math.max(Math.sqrt(variance[slot + s]), MIN_SD);
        if (seen[base + h] >= WARM_UP) {
          worst = Math.max(worst, Math.abs(x - mean[slot + s]) / sd);
        }
        double d = x - mean[slot + s];
        if (seen[base + h] == 0) {
          mean[slot + s] = x;
        } else {
          mean[slot + s] += WEIGHT * d;
          variance[slot + s] = (1 - WEIGHT) * (variance[slot + s] + WEIGHT * d * d);
        }
      }
      if (seen[base + h] >= WARM_UP) {
        ready++;
      }
      seen[base + h]++;
      deviation[h] = worst;
    }
    if (ready == 0) {
      return 0;
    }
    int refused = 0;
    for (int pick = 0; pick < Math.min(topK, headsPerLayer); pick++) {
      int best = -1;
      for (int h = 0; h < headsPerLayer; h++) {
        if (!selected[h] && (best < 0 || deviation[h] > deviation[best])) {
          best = h;
        }
      }
      if (best < 0 || deviation[best] <= 0) {
        break;
      }
      selected[best] = true;
      int key = base + best;
      if (!hasSeries[key]) {
        if (seriesCount >= maxHeadSeries) {
          selected[best] = false;
          deviation[best] = -1; // not again in this pass
          refused++;
          continue;
        }
        hasSeries[key] = true;
        seriesCount++;
      }
    }
    return refused;
  }

  /** Per-head series created so far in {@code top_k} mode. */
  synchronized int headSeries() {
    return seriesCount;
  }

  private void ensureCapacity(int layers, int headsPerLayer) {
    if (heads < 0) {
      heads = headsPerLayer;
    }
    int needed = Math.max(layers, 1) * heads;
    if (deviation.length < headsPerLayer) {
      deviation = new double[headsPerLayer];
    }
    if (hasSeries.length < needed) {
      hasSeries = java.util.Arrays.copyOf(hasSeries, needed);
      seen = java.util.Arrays.copyOf(seen, needed);
      mean = java.util.Arrays.copyOf(mean, needed * STATISTICS);
      variance = java.util.Arrays.copyOf(variance, needed * STATISTICS);
    }
  }
}
