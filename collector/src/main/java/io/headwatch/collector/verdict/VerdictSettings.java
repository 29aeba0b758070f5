package io.headwatch.collector.verdict;

/**
 * How verdicts are computed; docs/verdicts.md explains each choice.
 *
 * @param threshold a prediction is anomalous when its tail probability is at or below this (default
 *     0.001: about one clean prediction in a thousand)
 * @param window clean predictions per model kept as its baseline (default 2000)
 * @param maxBytesPerModel bytes one model's baseline may use; the window shrinks to fit (default 32
 *     MiB)
 * @param maxBytesTotal bytes all models' baselines may use; the least recently judged model is
 *     dropped first (default 64 MiB)
 * @param minBaseline fewest baseline predictions before anything but non-finite values is judged
 *     (default 200)
 * @param neighbours baseline predictions nearest in length that a prediction is compared with
 *     (default 100)
 * @param lengthRatio the median length ratio between a prediction and its neighbours above which
 *     they are not comparable and the input, not the model, is reported (default 2)
 * @param maxSuspects suspects listed per verdict (default 10)
 * @param admitAnomalousEvery one in this many predictions the model is blamed for still joins the
 *     baseline, so that a lasting change is learned eventually; 0 = never (default 0)
 */
public record VerdictSettings(
    double threshold,
    int window,
    long maxBytesPerModel,
    long maxBytesTotal,
    int minBaseline,
    int neighbours,
    double lengthRatio,
    int maxSuspects,
    int admitAnomalousEvery) {

  public static final double DEFAULT_THRESHOLD = 0.001;

  public VerdictSettings {
    require(threshold > 0 && threshold < 1, "threshold", threshold, "a probability in (0, 1)");
    require(window >= 1, "window", window, "at least 1");
    require(minBaseline >= 20, "minBaseline", minBaseline, "at least 20");
    require(window >= minBaseline, "window", window, "at least minBaseline (" + minBaseline + ")");
    require(neighbours >= 20, "neighbours", neighbours, "at least 20");
    require(
        neighbours <= minBaseline,
        "neighbours",
        neighbours,
        "at most minBaseline (" + minBaseline + ")");
    require(maxBytesPerModel > 0, "maxBytesPerModel", maxBytesPerModel, "positive");
    require(
        maxBytesTotal >= maxBytesPerModel,
        "maxBytesTotal",
        maxBytesTotal,
        "at least maxBytesPerModel (" + maxBytesPerModel + ")");
    require(lengthRatio > 1, "lengthRatio", lengthRatio, "above 1");
    require(maxSuspects >= 1, "maxSuspects", maxSuspects, "at least 1");
    require(admitAnomalousEvery >= 0, "admitAnomalousEvery", admitAnomalousEvery, "0 or more");
  }

  /** The documented defaults. */
  public static VerdictSettings defaults() {
    return new VerdictSettings(DEFAULT_THRESHOLD, 2000, 32L << 20, 64L << 20, 200, 100, 2.0, 10, 0);
  }

  public VerdictSettings withThreshold(double t) {
    return new VerdictSettings(
        t,
        window,
        maxBytesPerModel,
        maxBytesTotal,
        minBaseline,
        neighbours,
        lengthRatio,
        maxSuspects,
        admitAnomalousEvery);
  }

  public VerdictSettings withWindow(int w, int min, int k) {
    return new VerdictSettings(
        threshold,
        w,
        maxBytesPerModel,
        maxBytesTotal,
        min,
        k,
        lengthRatio,
        maxSuspects,
        admitAnomalousEvery);
  }

  public VerdictSettings withBytes(long perModel, long total) {
    return new VerdictSettings(
        threshold,
        window,
        perModel,
        total,
        minBaseline,
        neighbours,
        lengthRatio,
        maxSuspects,
        admitAnomalousEvery);
  }

  private static void require(boolean ok, String name, Object value, String what) {
    if (!ok) {
      throw new IllegalArgumentException(
          "verdict setting " + name + "=" + value + ": must be " + what);
    }
  }
}
