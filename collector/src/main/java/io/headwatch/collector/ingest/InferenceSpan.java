package io.headwatch.collector.ingest;

/** The fields of one agent inference span that a prediction record keeps. */
public record InferenceSpan(
    String traceId,
    String spanId,
    String name,
    long startNanos,
    long durationNanos,
    String service,
    String instance,
    String model,
    String operation,
    Long inputTokens,
    Boolean sampled,
    Long batchSize) {}
