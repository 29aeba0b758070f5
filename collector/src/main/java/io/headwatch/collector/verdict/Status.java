package io.headwatch.collector.verdict;

/** Whether a verdict could compare the prediction with a baseline. */
public enum Status {
  /** Compared with the model's baseline. */
  SCORED("scored"),
  /**
   * Too few clean predictions yet ({@link VerdictSettings#minBaseline()}); only non-finite values
   * can make such a prediction anomalous.
   */
  WARMING_UP("warming_up"),
  /**
   * The model's layers x heads need more bytes than {@link VerdictSettings#maxBytesPerModel()}
   * allows for the minimum baseline; only non-finite values are judged.
   */
  TOO_LARGE("too_large");

  private final String apiName;

  Status(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }
}
