package io.headwatch.collector.verdict;

/** Where in the model a feature or a suspect is. */
public enum Site {
  /** A head's attention pattern (per head). */
  ATTENTION("attention"),
  /** A head's output before the output projection: the value path (per head). */
  HEAD_OUTPUT("head_output"),
  /** The hidden state that leaves a layer (per layer). */
  HIDDEN_STATE("hidden_state");

  private final String apiName;

  Site(String apiName) {
    this.apiName = apiName;
  }

  /** The name used in the API and in telemetry, e.g. {@code head_output}. */
  public String apiName() {
    return apiName;
  }

  /** True for sites with one value per head (false: one per layer). */
  public boolean perHead() {
    return this != HIDDEN_STATE;
  }
}
