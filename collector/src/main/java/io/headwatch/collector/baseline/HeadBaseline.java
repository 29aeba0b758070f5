package io.headwatch.collector.baseline;

/**
 * One (layer, head, statistic) of a model: the median of the recent snapshots against the median
 * and MAD of the older ones; baseline fields are NaN while too few older snapshots exist.
 */
public record HeadBaseline(
    int layer,
    int head,
    String statistic,
    double recentMedian,
    int recentCount,
    double baselineMedian,
    double baselineMad,
    int baselineCount,
    double z) {}
