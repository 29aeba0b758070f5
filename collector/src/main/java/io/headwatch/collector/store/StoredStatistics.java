package io.headwatch.collector.store;

import java.util.Map;

/**
 * A snapshot's attention statistics as stored, for refilling baselines after a restart.
 *
 * @param attention per statistic short name, layers*heads values (NaN where unknown)
 */
public record StoredStatistics(
    String model, int layers, int heads, Map<String, double[]> attention) {}
