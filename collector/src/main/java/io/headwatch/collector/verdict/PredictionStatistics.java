package io.headwatch.collector.verdict;

import java.util.Map;

/**
 * One prediction's statistics as a snapshot carries them (see docs/telemetry.md): arrays row-major
 * by layer, NaN where unknown, absent statistics as missing map entries or null.
 *
 * @param layers layers (L)
 * @param heads heads per layer (H)
 * @param tokens valid input tokens, or -1 when unknown
 * @param truncated whether the input was cut at the model's maximum length, or null when unknown
 * @param unknownTokens unknown-token count, or -1 when unknown
 * @param attention per attention statistic short name, L*H values
 * @param headOutputNorm {@code headwatch.head.output_norm}: L*H values, or null
 * @param activation per hidden-state statistic short name (including {@code nonfinite}), L values
 */
public record PredictionStatistics(
    int layers,
    int heads,
    int tokens,
    Boolean truncated,
    int unknownTokens,
    Map<String, double[]> attention,
    double[] headOutputNorm,
    Map<String, double[]> activation) {

  public PredictionStatistics {
    if (layers < 1 || heads < 1) {
      throw new IllegalArgumentException(
          "layers and heads must be at least 1; got layers=" + layers + ", heads=" + heads);
    }
    attention = attention == null ? Map.of() : Map.copyOf(attention);
    activation = activation == null ? Map.of() : Map.copyOf(activation);
    long cells = (long) layers * heads;
    for (Map.Entry<String, double[]> e : attention.entrySet()) {
      check("attention statistic " + e.getKey(), e.getValue(), cells);
    }
    if (headOutputNorm != null) {
      check("head output norm", headOutputNorm, cells);
    }
    for (Map.Entry<String, double[]> e : activation.entrySet()) {
      check("activation statistic " + e.getKey(), e.getValue(), layers);
    }
  }

  private static void check(String what, double[] values, long expected) {
    if (values != null && values.length != expected) {
      throw new IllegalArgumentException(
          what + " has " + values.length + " values; expected " + expected + " (layers x heads)");
    }
  }

  /** Unknown tokens as a share of the tokens, or NaN when either is unknown. */
  public double unknownShare() {
    return tokens > 0 && unknownTokens >= 0 ? (double) unknownTokens / tokens : Double.NaN;
  }
}
