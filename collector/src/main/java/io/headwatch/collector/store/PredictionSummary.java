package io.headwatch.collector.store;

import com.google.gson.JsonArray;

/** One prediction as listed: the span's fields, the snapshot count and the top deviations. */
public record PredictionSummary(
    long id,
    String traceId,
    String spanId,
    long timeNanos,
    String service,
    String instance,
    String model,
    String operation,
    String name,
    Long inputTokens,
    Long durationNanos,
    Long batchSize,
    Boolean sampled,
    Integer layers,
    Integer heads,
    boolean hasSpan,
    int snapshots,
    Double maxDeviation,
    JsonArray topDeviations) {}
