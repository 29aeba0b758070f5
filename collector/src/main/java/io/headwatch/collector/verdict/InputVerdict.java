package io.headwatch.collector.verdict;

import java.util.List;

/**
 * Whether the input explains the prediction's deviation.
 *
 * @param unusual true when any fact is unusual: "the inputs changed"
 * @param comparable false when the baseline has too few predictions of similar length to compare
 *     the model's statistics with (then the model is not blamed)
 * @param facts token count, truncation, unknown-token share, and the first layer's breadth of
 *     deviation, each against the baseline
 */
public record InputVerdict(boolean unusual, boolean comparable, List<InputFact> facts) {
  public InputVerdict {
    facts = List.copyOf(facts);
  }

  /** The fact with this name, or null. */
  public InputFact fact(String name) {
    for (InputFact f : facts) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }
}
