package io.headwatch.collector.store;

import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.Statistics;
import java.util.List;

/**
 * One snapshot of a prediction as stored; maps are raw bytes or doubles, as the agent sent them.
 */
public record StoredSnapshot(
    int batchIndex,
    long timeNanos,
    Long inputTokens,
    int layers,
    int heads,
    Statistics statistics,
    List<HeadDeviation> deviations,
    byte[] attentionMapBytes,
    double[] attentionMapDoubles,
    List<String> tokens,
    Attributes attributes) {}
