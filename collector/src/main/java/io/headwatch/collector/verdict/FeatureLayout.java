package io.headwatch.collector.verdict;

import java.util.List;

/**
 * The order of a model's features in one flat row: per statistic blocks, per-head blocks row-major
 * by layer ({@code layer * heads + head}).
 *
 * <pre>
 * [attention statistic 0: L*H] ... [attention statistic 7: L*H] [head output norm: L*H]
 * [hidden-state statistic 0: L] ... [hidden-state statistic 5: L]
 * </pre>
 *
 * <p>The hidden state's non-finite count is not a feature: any non-finite value is evidence on its
 * own ({@link ModelBaseline}).
 */
public final class FeatureLayout {
  /** Attention statistics scored, by their snapshot short names. */
  public static final List<String> ATTENTION_STATISTICS =
      List.of(
          "entropy",
          "max_weight",
          "sink_mass",
          "last_token_mass",
          "self_mass",
          "previous_mass",
          "next_mass",
          "mean_distance");

  /** The head output's statistic name. */
  public static final String OUTPUT_NORM = "output_norm";

  /** Hidden-state statistics scored, by their snapshot short names. */
  public static final List<String> HIDDEN_STATE_STATISTICS =
      List.of("mean", "std", "abs_max", "zero_fraction", "outlier_fraction", "massive");

  /** The hidden state's non-finite count (evidence, not a feature). */
  public static final String NONFINITE = "nonfinite";

  private final int layers;
  private final int heads;
  private final int cells;
  private final int headOutputStart;
  private final int hiddenStart;
  private final int size;

  /**
   * @throws IllegalArgumentException if layers or heads are below 1 or the row would exceed 2^31
   *     values
   */
  public FeatureLayout(int layers, int heads) {
    if (layers < 1 || heads < 1) {
      throw new IllegalArgumentException(
          "a model needs at least one layer and one head; got layers="
              + layers
              + ", heads="
              + heads);
    }
    long c = (long) layers * heads;
    long total =
        c * (ATTENTION_STATISTICS.size() + 1) + (long) layers * HIDDEN_STATE_STATISTICS.size();
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "layers x heads = " + c + " is too large for a verdict (more than 2^31 features)");
    }
    this.layers = layers;
    this.heads = heads;
    this.cells = (int) c;
    this.headOutputStart = cells * ATTENTION_STATISTICS.size();
    this.hiddenStart = headOutputStart + cells;
    this.size = (int) total;
  }

  /** Features a model of this shape has, as {@code long} so callers can size budgets. */
  public static long featureCount(int layers, int heads) {
    long c = (long) layers * heads;
    return c * (ATTENTION_STATISTICS.size() + 1) + (long) layers * HIDDEN_STATE_STATISTICS.size();
  }

  public int layers() {
    return layers;
  }

  public int heads() {
    return heads;
  }

  /** Number of features in a row. */
  public int size() {
    return size;
  }

  public boolean hasShape(int layers, int heads) {
    return this.layers == layers && this.heads == heads;
  }

  /** Index of attention statistic {@code stat} (index in ATTENTION_STATISTICS) of a head. */
  public int attention(int stat, int layer, int head) {
    return stat * cells + layer * heads + head;
  }

  public int headOutput(int layer, int head) {
    return headOutputStart + layer * heads + head;
  }

  /** Index of hidden-state statistic {@code stat} (index in HIDDEN_STATE_STATISTICS). */
  public int hiddenState(int stat, int layer) {
    return hiddenStart + stat * layers + layer;
  }

  /** The site of feature {@code f}. */
  public Site site(int f) {
    if (f < headOutputStart) {
      return Site.ATTENTION;
    }
    return f < hiddenStart ? Site.HEAD_OUTPUT : Site.HIDDEN_STATE;
  }

  /** The layer of feature {@code f}. */
  public int layer(int f) {
    return switch (site(f)) {
      case ATTENTION -> (f % cells) / heads;
      case HEAD_OUTPUT -> (f - headOutputStart) / heads;
      case HIDDEN_STATE -> (f - hiddenStart) % layers;
    };
  }

  /** The head of feature {@code f}, or -1 for a per-layer feature. */
  public int head(int f) {
    return switch (site(f)) {
      case ATTENTION -> (f % cells) % heads;
      case HEAD_OUTPUT -> (f - headOutputStart) % heads;
      case HIDDEN_STATE -> -1;
    };
  }

  /** The statistic name of feature {@code f}. */
  public String statistic(int f) {
    return switch (site(f)) {
      case ATTENTION -> ATTENTION_STATISTICS.get(f / cells);
      case HEAD_OUTPUT -> OUTPUT_NORM;
      case HIDDEN_STATE -> HIDDEN_STATE_STATISTICS.get((f - hiddenStart) / layers);
    };
  }

  /**
   * The component (one part of the model that can be a suspect) of feature {@code f}: attention
   * heads are {@code 0 .. L*H-1}, head outputs {@code L*H .. 2*L*H-1}, hidden states {@code 2*L*H
   * .. 2*L*H+L-1}.
   */
  public int component(int f) {
    Site s = site(f);
    return s.perHead() ? s.ordinal() * cells + layer(f) * heads + head(f) : 2 * cells + layer(f);
  }

  /** Number of distinct components: heads x 2 per-head sites + layers. */
  public int componentCount() {
    return 2 * cells + layers;
  }
}
