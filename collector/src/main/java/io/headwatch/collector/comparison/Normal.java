package io.headwatch.collector.comparison;

/** The standard normal distribution's upper tail, accurate far into the tail. */
final class Normal {
  private Normal() {}

  /** P(|Z| ≥ |z|) for a standard normal Z: the two-sided p-value of a z statistic. */
  static double twoSidedP(double z) {
    return Math.min(1.0, erfc(Math.abs(z) / Math.sqrt(2.0)));
  }

  /**
   * The complementary error function, by the Chebyshev fit of Press et al. (Numerical Recipes,
   * section 6.2): relative error below 1.2e-7 for every x ≥ 0, so that p-values as small as 1e-300
   * keep their order of magnitude.
   */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1.0 / (1.0 + 0.5 * z);
    double poly =
        -z * z
            - 1.26551223
            + t
                * (1.00002368
                    + t
                        * (0.37409196
                            + t
                                * (0.09678418
                                    + t
                                        * (-0.18628806
                                            + t
                                                * (0.27886807
                                                    + t
                                                        * (-1.13520398
                                                            + t
                                                                * (1.48851587
                                                                    + t
                                                                        * (-0.82215223
                                                                            + t
                                                                                * 0.17087277))))))));
    double r = t * Math.exp(poly);
    return x >= 0 ? r : 2.0 - r;
  }
}
