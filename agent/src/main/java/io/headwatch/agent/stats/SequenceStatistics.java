package io.headwatch.agent.stats;

import java.util.Arrays;

/**
 * Every statistic of one sequence of one sampled inference: per (layer, head) the attention
 * statistics of {@link AttentionStatistics} and the mean output norm of {@link
 * HeadOutputStatistics}; per layer the hidden state's {@link ActivationSummary}. What a snapshot
 * record carries. Missing values (a layer not captured) are NaN.
 */
public final class SequenceStatistics {
  private final int batchIndex;
  private final int layers;
  private int heads = -1;
  private double[] attention; // [(layer * heads + head) * AttentionStatistics.COUNT + stat]
  private double[] headOutputNorm; // [layer * heads + head]
  private final double[][] activation; // [ACTIVATION_FIELDS][layer]
  private int tokens = -1;
  private boolean filled;

  /** Activation fields, in the order of {@link #activation(int)}. */
  public static final int MEAN = 0;

  public static final int STD = 1;
  public static final int ABS_MAX = 2;
  public static final int NONFINITE = 3;
  public static final int ZERO_FRACTION = 4;
  public static final int OUTLIER_FRACTION = 5;
  public static final int MASSIVE = 6;
  public static final int ACTIVATION_FIELDS = 7;

  public SequenceStatistics(int batchIndex, int layers) {
    this.batchIndex = batchIndex;
    this.layers = layers;
    this.activation = new double[ACTIVATION_FIELDS][];
    for (int f = 0; f < ACTIVATION_FIELDS; f++) {
      activation[f] = nan(layers);
    }
  }

  private static double[] nan(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  public int batchIndex() {
    return batchIndex;
  }

  public int layers() {
    return layers;
  }

  /** Heads per layer, or 0 when no attention was captured. */
  public int heads() {
    return Math.max(heads, 0);
  }

  /** Whether any statistic was added (a sequence that is all padding has none). */
  public boolean hasData() {
    return filled;
  }

  /** Valid input tokens of this sequence, or -1 when unknown. */
  public int tokens() {
    return tokens;
  }

  public void tokens(int validTokens) {
    this.tokens = validTokens;
  }

  private boolean shape(int layerHeads) {
    if (heads < 0) {
      heads = layerHeads;
      attention = nan(layers * heads * AttentionStatistics.COUNT);
      headOutputNorm = nan(layers * heads);
    }
    // Layers with another head count are in the metrics, not in the per-sequence record.
    return layerHeads == heads;
  }

  /** Adds one layer's statistics: {@code heads * AttentionStatistics.COUNT} values. */
  public void attention(int layer, int layerHeads, double[] stats) {
    if (layer >= layers || !shape(layerHeads)) {
      return;
    }
    filled = true;
    System.arraycopy(
        stats,
        0,
        attention,
        layer * heads * AttentionStatistics.COUNT,
        heads * AttentionStatistics.COUNT);
  }

  /** Adds one layer's per-head output norms ({@code heads} values). */
  public void headOutputNorms(int layer, int layerHeads, double[] norms) {
    if (layer >= layers || !shape(layerHeads)) {
      return;
    }
    filled = true;
    System.arraycopy(norms, 0, headOutputNorm, layer * heads, heads);
  }

  /** Adds one layer's hidden-state statistics (copied out of the reusable summary). */
  public void activation(int layer, ActivationSummary s) {
    if (layer >= layers) {
      return;
    }
    filled = true;
    activation[MEAN][layer] = s.mean();
    activation[STD][layer] = s.std();
    activation[ABS_MAX][layer] = s.absMax();
    activation[NONFINITE][layer] = s.nonFiniteCount();
    activation[ZERO_FRACTION][layer] = s.zeroFraction();
    activation[OUTLIER_FRACTION][layer] = s.outlierFraction();
    activation[MASSIVE][layer] = s.massiveCount();
  }

  /**
   * One attention statistic of every (layer, head), row-major by layer ({@code layers * heads}
   * values), or null when no attention was captured.
   */
  public double[] attentionStatistic(int stat) {
    if (attention == null) {
      return null;
    }
    double[] out = new double[layers * heads];
    for (int i = 0; i < out.length; i++) {
      out[i] = attention[i * AttentionStatistics.COUNT + stat];
    }
    return out;
  }

  /** Per-head output norms, row-major by layer, or null when no attention was captured. */
  public double[] headOutputNorms() {
    return headOutputNorm == null ? null : headOutputNorm.clone();
  }

  /** One activation field per layer ({@link #MEAN} ... {@link #MASSIVE}). */
  public double[] activation(int field) {
    return activation[field].clone();
  }
}
