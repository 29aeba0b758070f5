package io.headwatch.collector.model;

import java.util.List;
import java.util.Map;

/**
 * One sampled sequence's statistics, from a {@code headwatch.snapshot} log record.
 *
 * @param attention per statistic short name, layers*heads values row-major by layer
 * @param activation per statistic short name, one value per layer
 * @param attentionMaps raw bytes or doubles, as sent; null when absent
 * @param tokens token strings; null when absent
 * @param attributes the record's other scalar attributes (headwatch.output.*, ...)
 */
public record Snapshot(
    String traceId,
    String spanId,
    long timeNanos,
    String service,
    String instance,
    String model,
    String operation,
    Long inputTokens,
    int batchIndex,
    int layers,
    int heads,
    Map<String, double[]> attention,
    Map<String, double[]> activation,
    String activationSite,
    AttentionMaps attentionMaps,
    List<String> tokens,
    Attributes attributes) {

  /** Attention maps exactly as the agent sent them: bytes, or an array of doubles. */
  public record AttentionMaps(byte[] bytes, double[] doubles) {}
}
