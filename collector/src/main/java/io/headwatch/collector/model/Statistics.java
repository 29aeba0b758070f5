package io.headwatch.collector.model;

import java.util.Map;

/**
 * A snapshot's statistics as numbers.
 *
 * @param attention per statistic short name ({@link AttentionStatistic}), layers*heads values
 *     row-major by layer; NaN where unknown
 * @param activation per statistic short name (mean, std, ...), one value per layer
 * @param activationSite where activations were read (e.g. hidden_state); null if not sent
 */
public record Statistics(
    Map<String, double[]> attention, Map<String, double[]> activation, String activationSite) {}
