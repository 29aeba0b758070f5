package io.headwatch.collector.verdict;

import java.util.List;

/**
 * The verdict on one prediction.
 *
 * @param status whether it was compared with a baseline
 * @param anomalous true when the prediction is unusual at the threshold: a non-finite value, a
 *     model score at or below the threshold, or an unusual input
 * @param kind what is blamed (NONE when not anomalous)
 * @param tailProbability the model score as a tail probability: the estimated share of the model's
 *     recent clean predictions that score at least as high (0 for non-finite values; NaN when not
 *     scored)
 * @param score {@code -log10(tailProbability)}, capped at {@link #MAX_SCORE}; NaN when not scored
 * @param threshold the tail probability at or below which a prediction is anomalous
 * @param baselinePredictions predictions in the model's baseline when this one was judged
 * @param suspects ranked, most suspect first; non-finite evidence first, earliest layer first
 * @param input the input verdict (null while there is no baseline)
 */
public record Verdict(
    Status status,
    boolean anomalous,
    Kind kind,
    double tailProbability,
    double score,
    double threshold,
    int baselinePredictions,
    List<Suspect> suspects,
    InputVerdict input) {
  /** Highest reported score (tail probability 1e-16, or a non-finite value). */
  public static final double MAX_SCORE = 16.0;

  public Verdict {
    suspects = List.copyOf(suspects);
  }

  /** {@code -log10(p)} capped at {@link #MAX_SCORE}; NaN for NaN. */
  static double scoreOf(double tailProbability) {
    if (Double.isNaN(tailProbability)) {
      return Double.NaN;
    }
    if (tailProbability <= 0) {
      return MAX_SCORE;
    }
    return Math.min(MAX_SCORE, -Math.log10(tailProbability));
  }
}
