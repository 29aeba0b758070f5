package io.headwatch.collector.ingest;

/**
 * A request passes one of the collector's limits. The message names the limit's setting, the value
 * found and where, so that the sender knows what to change; answered 400.
 */
public final class LimitExceededException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String setting;

  public LimitExceededException(String setting, long limit, String what) {
    super(what + " exceeds " + setting + " (" + limit + "); see docs/collector.md#limits");
    this.setting = setting;
  }

  /** The setting whose limit was passed, e.g. {@code max-attention-cells}. */
  public String setting() {
    return setting;
  }
}
