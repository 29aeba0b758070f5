package io.headwatch.collector.prometheus;

import java.util.Arrays;

/** The latest state of one exposed series, and when it was last updated. */
abstract sealed class Series permits Series.Scalar, Series.Histogram, Series.Summary {
  long updatedMillis;

  /** A gauge value or a counter's running total. */
  static final class Scalar extends Series {
    double value;
  }

  /** Explicit-bucket histogram: counts[i] for bucket i (not cumulative), last is +Inf. */
  static final class Histogram extends Series {
    double[] bounds = new double[0];
    long[] counts = new long[1];
    double sum;
    long count;

    void set(double[] bounds, long[] counts, double sum, long count) {
      this.bounds = bounds;
      this.counts = counts;
      this.sum = sum;
      this.count = count;
    }

    /** Adds a delta point; a change of bounds restarts the series from the delta. */
    void add(double[] bounds, long[] counts, double sum, long count) {
      if (!Arrays.equals(this.bounds, bounds)) {
        set(bounds, counts, sum, count);
        return;
      }
      for (int i = 0; i < counts.length; i++) {
        this.counts[i] += counts[i];
      }
      this.sum += sum;
      this.count += count;
    }
  }

  /** Summary: quantile → value, with sum and count. */
  static final class Summary extends Series {
    double[] quantiles = new double[0];
    double[] values = new double[0];
    double sum;
    long count;
  }
}
