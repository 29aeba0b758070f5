package io.headwatch.collector.verdict;

/** What a verdict blames. */
public enum Kind {
  /** Nothing unusual at the threshold. */
  NONE("none"),
  /** The model's internals deviate in a way its input does not explain. */
  MODEL("model"),
  /** The input is unlike the baseline's inputs (length, truncation, unknown tokens, content). */
  INPUT("input");

  private final String apiName;

  Kind(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }
}
