package io.headwatch.collector.comparison;

/**
 * Input-length strata: half-octave bins of the token count (each about 1.41 times as wide as the
 * one before: 1, 2, 3, 4–5, 6–7, 8–11, 12–15, 16–22, 23–31, 32–45, …). Wrong and right predictions
 * are compared only within a stratum, so that a group that is longer on average cannot make a
 * position-sensitive statistic look like a difference in the model.
 */
public final class LengthStrata {
  /** The stratum of predictions whose token count is unknown. */
  public static final int UNKNOWN = -1;

  private LengthStrata() {}

  /** The stratum of a prediction with {@code tokens} tokens (NaN or below 1: unknown). */
  public static int of(double tokens) {
    if (!(tokens >= 1) || Double.isInfinite(tokens)) {
      return UNKNOWN;
    }
    return (int) Math.floor(2 * Math.log(tokens) / Math.log(2) + 1e-9);
  }

  /** The smallest token count of a stratum. */
  public static int from(int stratum) {
    return stratum == UNKNOWN ? 0 : (int) Math.ceil(Math.pow(2, stratum / 2.0) - 1e-9);
  }

  /** The largest token count of a stratum. */
  public static int to(int stratum) {
    return stratum == UNKNOWN ? 0 : from(stratum + 1) - 1;
  }
}
