package io.headwatch.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;

/**
 * Attention-map log records ({@code headwatch.attention_map}): one sequence's attention weights,
 * every layer and head, over its valid positions, in the record's body (bytes), linked to the
 * inference span like its snapshot. The encodings are in docs/telemetry.md.
 */
public final class AttentionMapRecords {
  public static final String EVENT = "headwatch.attention_map";
  static final AttributeKey<Long> TOKENS = AttributeKey.longKey("headwatch.map.tokens");
  static final AttributeKey<String> ENCODING = AttributeKey.stringKey("headwatch.map.encoding");
  static final AttributeKey<Long> TOP_K = AttributeKey.longKey("headwatch.map.top_k");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("headwatch.map.reason");

  private AttentionMapRecords() {}

  /**
   * Emits one sequence's maps.
   *
   * @param tokenTexts the sequence's tokens (token capture on), or null
   */
  public static void emit(
      ModelTelemetry model,
      SpanContext span,
      int batchIndex,
      int layers,
      int heads,
      int tokens,
      String encoding,
      int topK,
      String reason,
      byte[] body,
      List<String> tokenTexts) {
    LogRecordBuilder record =
        model
            .logRecord(EVENT, span)
            .setAttribute(TelemetryNames.BATCH_INDEX, (long) batchIndex)
            .setAttribute(TelemetryNames.LAYERS, (long) layers)
            .setAttribute(TelemetryNames.HEADS, (long) heads)
            .setAttribute(TOKENS, (long) tokens)
            .setAttribute(ENCODING, encoding)
            .setAttribute(REASON, reason)
            .setBody(Value.of(body));
    if (topK > 0) {
      record.setAttribute(TOP_K, (long) topK);
    }
    if (tokenTexts != null) {
      record.setAttribute(TelemetryNames.TOKENS, tokenTexts);
    }
    record.emit();
  }
}
