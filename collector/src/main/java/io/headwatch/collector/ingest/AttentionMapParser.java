package io.headwatch.collector.ingest;

import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.otlp.OtlpAttributes;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code headwatch.attention_map} log records (by LogRecord.event_name or the {@code
 * event.name} attribute): one sequence's attention maps in the body (OTLP bytes), their shape and
 * encoding in attributes (docs/telemetry.md). A record whose shape, encoding or body do not agree
 * is counted as invalid and dropped; its tokens are dropped alone if their count is not the map's.
 */
public final class AttentionMapParser {
  public static final String EVENT_NAME = "headwatch.attention_map";

  private AttentionMapParser() {}

  /** The maps of a request and how many map records were invalid. */
  public record Result(List<AttentionMap> maps, int invalid) {}

  public static Result maps(ExportLogsServiceRequest request) {
    List<AttentionMap> out = new ArrayList<>();
    int invalid = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          if (!isAttentionMap(log)) {
            continue;
          }
          AttentionMap m = parse(log);
          if (m == null) {
            invalid++;
          } else {
            out.add(m);
          }
        }
      }
    }
    return new Result(out, invalid);
  }

  /** A headwatch.attention_map record: by LogRecord.event_name, or the event.name attribute. */
  static boolean isAttentionMap(LogRecord log) {
    if (EVENT_NAME.equals(log.getEventName())) {
      return true;
    }
    for (KeyValue kv : log.getAttributesList()) {
      if (kv.getKey().equals("event.name") && EVENT_NAME.equals(kv.getValue().getStringValue())) {
        return true;
      }
    }
    return false;
  }

  private static AttentionMap parse(LogRecord log) {
    OtlpAttributes a = OtlpAttributes.of(log.getAttributesList());
    String model = a.string("gen_ai.request.model");
    Long layers = a.longValue("headwatch.layers");
    Long heads = a.longValue("headwatch.heads");
    Long tokens = a.longValue("headwatch.map.tokens");
    AttentionMap.Encoding encoding = AttentionMap.Encoding.of(a.string("headwatch.map.encoding"));
    Long topK = a.longValue("headwatch.map.top_k");
    if (model == null
        || layers == null
        || heads == null
        || tokens == null
        || encoding == null
        || log.getTraceId().size() != 16
        || log.getSpanId().size() != 8
        || log.getBody().getValueCase() != AnyValue.ValueCase.BYTES_VALUE
        || layers > Integer.MAX_VALUE
        || heads > Integer.MAX_VALUE
        || tokens > AttentionMap.MAX_TOKENS
        || (topK != null && (topK < 0 || topK > AttentionMap.MAX_TOKENS))) {
      return null;
    }
    List<String> texts = a.strings("headwatch.tokens");
    if (texts != null && texts.size() != tokens) {
      texts = null;
    }
    Long batchIndex = a.longValue("headwatch.batch.index");
    long time = log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
    AttentionMap m =
        new AttentionMap(
            OtlpAttributes.hex(log.getTraceId()),
            OtlpAttributes.hex(log.getSpanId()),
            time,
            model,
            batchIndex == null ? 0 : batchIndex.intValue(),
            layers.intValue(),
            heads.intValue(),
            tokens.intValue(),
            encoding,
            encoding == AttentionMap.Encoding.TOPK_U8 && topK != null ? topK.intValue() : 0,
            a.string("headwatch.map.reason"),
            texts,
            log.getBody().getBytesValue().toByteArray());
    return m.problem() == null ? m : null;
  }
}
