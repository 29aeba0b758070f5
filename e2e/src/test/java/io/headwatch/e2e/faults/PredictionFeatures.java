package io.headwatch.e2e.faults;

/**
 * What the agent would report for one sequence, computed in-process: input facts, the eight
 * attention statistics per (layer, head), each head's output norm (the value path), and the
 * hidden-state statistics per layer. Arrays are row-major by layer; NaN where not computable.
 *
 * @param attention {@code [statistic][layer * heads + head]}, statistics in {@code
 *     AttentionStatistics} order
 * @param headOutputNorm {@code [layer * heads + head]}
 * @param activation {@code [statistic][layer]}: mean, std, abs_max, nonfinite, zero_fraction,
 *     outlier_fraction, massive
 */
public record PredictionFeatures(
    int tokens,
    boolean truncated,
    int unknownTokens,
    int layers,
    int heads,
    double[][] attention,
    double[] headOutputNorm,
    double[][] activation) {
  /** Activation statistic names in {@link #activation()} order, as the snapshot names them. */
  public static final String[] ACTIVATION_NAMES = {
    "mean", "std", "abs_max", "nonfinite", "zero_fraction", "outlier_fraction", "massive"
  };
}
