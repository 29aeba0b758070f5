package io.headwatch.collector.verdict;

/**
 * One fact about a prediction's input against the same fact in the baseline.
 *
 * @param name {@code tokens}, {@code truncated}, {@code unknown_share} or {@code
 *     first_layer_breadth}
 * @param value this prediction's value (truncated: 0 or 1)
 * @param expected the baseline's median (truncated and first-layer breadth: the baseline's mean)
 * @param tailProbability share of baseline predictions at least as extreme (NaN when not
 *     calibrated)
 * @param unusual whether this fact makes the input unusual
 */
public record InputFact(
    String name, double value, double expected, double tailProbability, boolean unusual) {
  public static final String TOKENS = "tokens";
  public static final String TRUNCATED = "truncated";
  public static final String UNKNOWN_SHARE = "unknown_share";
  public static final String FIRST_LAYER_BREADTH = "first_layer_breadth";
}
