package io.headwatch.collector.model;

/**
 * The fields of one agent inference span that a prediction record keeps.
 *
 * @param status "ok", "error" or "unset" (the span's status code)
 * @param attributes the span's other scalar attributes (error.type, headwatch.output.*, ...)
 */
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
    Long batchSize,
    String status,
    Attributes attributes) {}
