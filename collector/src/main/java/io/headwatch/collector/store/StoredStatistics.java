package io.headwatch.collector.store;

import java.util.Map;

/**
 * A stored snapshot's statistics and input facts, for refilling baselines after a restart.
 *
 * @param attention per statistic short name, layers*heads values (NaN where unknown)
 * @param activation per statistic short name, one value per layer
 * @param inputTokens valid tokens, or null when unknown
 * @param truncated {@code headwatch.input.truncated}, or null when not sent
 * @param unknownTokens {@code headwatch.input.unknown_tokens}, or null when not sent
 * @param timeNanos when the prediction was made (the snapshot's time)
 */
public record StoredStatistics(
    String model,
    int layers,
    int heads,
    Map<String, double[]> attention,
    Map<String, double[]> activation,
    Long inputTokens,
    Boolean truncated,
    Long unknownTokens,
    long timeNanos) {}
