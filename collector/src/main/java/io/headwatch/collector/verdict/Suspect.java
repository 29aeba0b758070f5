package io.headwatch.collector.verdict;

/**
 * One part of the model that explains a verdict: the statistic of that part that deviates most from
 * its baseline.
 *
 * @param layer 0-based layer
 * @param head 0-based head, or -1 for a per-layer site
 * @param site where in the layer
 * @param statistic the statistic's name (e.g. {@code entropy}, {@code output_norm}, {@code std}),
 *     or {@code nonfinite} when the evidence is a NaN or infinite value
 * @param value this prediction's value (NaN when non-finite; for {@code nonfinite} on a hidden
 *     state, the count of non-finite values)
 * @param expected the baseline's median for predictions of similar length (NaN if none)
 * @param deviation robust z-score: (value - expected) / (1.4826 MAD), signed; +Infinity for
 *     non-finite evidence
 * @param surprise -log10 of the share of baseline predictions expected to deviate this much on this
 *     statistic (its own tail); +Infinity for non-finite evidence. Suspects are ranked by it.
 */
public record Suspect(
    int layer,
    int head,
    Site site,
    String statistic,
    double value,
    double expected,
    double deviation,
    double surprise) {

  /** True when the evidence is a non-finite value. */
  public boolean nonFinite() {
    return Double.isInfinite(surprise);
  }
}
