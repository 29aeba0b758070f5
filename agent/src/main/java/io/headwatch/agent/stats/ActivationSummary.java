package io.headwatch.agent.stats;

/**
 * Statistics of one activation tensor (one hidden state of one sequence), filled by {@link
 * ActivationStatistics}. Mutable and meant to be reused; not thread-safe.
 *
 * <p>{@link #count()} counts every value at a valid position, finite or not. {@link #mean()},
 * {@link #std()} and {@link #absMax()} are over the finite values only. The fractions are shares of
 * {@link #count()}; a non-finite value is never a zero, an outlier or a massive activation.
 *
 * <p>With no values (all positions padded) the count is 0 and mean, std, absMax and both fractions
 * are NaN. With values but none finite, mean, std and absMax are NaN.
 */
public final class ActivationSummary {

  int count;
  double mean;
  double std;
  double absMax;
  double zeroFraction;
  double outlierFraction;
  int massiveCount;
  int nonFiniteCount;

  /** Creates an empty summary: count 0, NaN statistics. */
  public ActivationSummary() {
    clear();
  }

  void clear() {
    count = 0;
    mean = Double.NaN;
    std = Double.NaN;
    absMax = Double.NaN;
    zeroFraction = Double.NaN;
    outlierFraction = Double.NaN;
    massiveCount = 0;
    nonFiniteCount = 0;
  }

  /**
   * Returns the number of values examined: valid positions times width, non-finite included.
   *
   * @return the number of values
   */
  public int count() {
    return count;
  }

  /**
   * Returns the mean of the finite values.
   *
   * @return the mean, NaN if there is no finite value
   */
  public double mean() {
    return mean;
  }

  /**
   * Returns the population standard deviation (divide by N) of the finite values.
   *
   * @return the standard deviation, NaN if there is no finite value
   */
  public double std() {
    return std;
  }

  /**
   * Returns the largest absolute finite value.
   *
   * @return the absolute maximum, NaN if there is no finite value
   */
  public double absMax() {
    return absMax;
  }

  /**
   * Returns the share of values counted as zero: exactly 0 (either sign), or {@code <= 0} when
   * computed with {@link ActivationStatistics.ZeroRule#NON_POSITIVE}.
   *
   * @return a share of {@link #count()}, NaN if the count is 0
   */
  public double zeroFraction() {
    return zeroFraction;
  }

  /**
   * Returns the share of finite values with {@code abs >= }{@link
   * ActivationStatistics#OUTLIER_THRESHOLD}.
   *
   * @return a share of {@link #count()}, NaN if the count is 0
   */
  public double outlierFraction() {
    return outlierFraction;
  }

  /**
   * Returns the number of massive activations: finite values with {@code abs > 100} and {@code abs
   * >= 1000 x} the median absolute finite value of the same hidden state.
   *
   * @return the massive activation count
   */
  public int massiveCount() {
    return massiveCount;
  }

  /**
   * Returns the number of NaN and infinite values.
   *
   * @return the non-finite count
   */
  public int nonFiniteCount() {
    return nonFiniteCount;
  }

  @Override
  public String toString() {
    return "ActivationSummary{count="
        + count
        + ", mean="
        + mean
        + ", std="
        + std
        + ", absMax="
        + absMax
        + ", zeroFraction="
        + zeroFraction
        + ", outlierFraction="
        + outlierFraction
        + ", massiveCount="
        + massiveCount
        + ", nonFiniteCount="
        + nonFiniteCount
        + '}';
  }
}
