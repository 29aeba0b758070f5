package io.headwatch.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.headwatch.collector.model.AttentionMap;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionMapParserTest {
  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static AnyValue i(long v) {
    return AnyValue.newBuilder().setIntValue(v).build();
  }

  private static AnyValue s(String v) {
    return AnyValue.newBuilder().setStringValue(v).build();
  }

  /** A 1 x 1 map of {@code tokens} tokens, u8, with the given body size. */
  private static LogRecord.Builder map(int tokens, int bodyBytes) {
    return map(tokens, bodyBytes, "u8");
  }

  private static LogRecord.Builder map(int tokens, int bodyBytes, String encoding) {
    return LogRecord.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[16]))
        .setSpanId(ByteString.copyFrom(new byte[8]))
        .setTimeUnixNano(42)
        .setEventName(AttentionMapParser.EVENT_NAME)
        .addAttributes(kv("gen_ai.request.model", s("m")))
        .addAttributes(kv("headwatch.batch.index", i(3)))
        .addAttributes(kv("headwatch.layers", i(1)))
        .addAttributes(kv("headwatch.heads", i(1)))
        .addAttributes(kv("headwatch.map.tokens", i(tokens)))
        .addAttributes(kv("headwatch.map.encoding", s(encoding)))
        .addAttributes(kv("headwatch.map.reason", s("operator")))
        .setBody(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[bodyBytes])));
  }

  private static AttentionMapParser.Result parse(LogRecord.Builder... logs) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (LogRecord.Builder l : logs) {
      scope.addLogRecords(l);
    }
    return AttentionMapParser.maps(
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
            .build());
  }

  @Test
  void readsShapeEncodingReasonTokensAndBody() {
    LogRecord.Builder log =
        map(2, 4)
            .addAttributes(
                kv(
                    "headwatch.tokens",
                    AnyValue.newBuilder()
                        .setArrayValue(ArrayValue.newBuilder().addValues(s("a")).addValues(s("b")))
                        .build()));
    AttentionMapParser.Result r = parse(log);
    assertEquals(0, r.invalid());
    AttentionMap m = r.maps().get(0);
    assertEquals("00000000000000000000000000000000", m.traceId());
    assertEquals(42, m.timeNanos());
    assertEquals(3, m.batchIndex());
    assertEquals(2, m.tokens());
    assertEquals(AttentionMap.Encoding.U8, m.encoding());
    assertEquals("operator", m.reason());
    assertEquals(List.of("a", "b"), m.tokenTexts());
    assertEquals(4, m.body().length);
  }

  @Test
  void theOlderEventNameAttributeWorksTooAndOtherLogsAreIgnored() {
    LogRecord.Builder old =
        map(1, 1).setEventName("").addAttributes(kv("event.name", s("headwatch.attention_map")));
    LogRecord.Builder other = LogRecord.newBuilder().setEventName("app.log");
    AttentionMapParser.Result r = parse(old, other);
    assertEquals(1, r.maps().size());
    assertEquals(0, r.invalid());
  }

  @Test
  void inconsistentRecordsAreCountedAndDropped() {
    AttentionMapParser.Result r =
        parse(
            map(2, 3), // body should be 4 bytes
            map(1, 1).setBody(s("not bytes")),
            map(1, 1).setSpanId(ByteString.copyFrom(new byte[3])),
            map(1, 1, "f16"),
            map(AttentionMap.MAX_TOKENS + 1, 1));
    assertEquals(0, r.maps().size());
    assertEquals(5, r.invalid());
  }

  @Test
  void tokensOfAnotherCountAreDroppedAndTheMapKept() {
    LogRecord.Builder log =
        map(2, 4)
            .addAttributes(
                kv(
                    "headwatch.tokens",
                    AnyValue.newBuilder()
                        .setArrayValue(ArrayValue.newBuilder().addValues(s("only one")))
                        .build()));
    AttentionMapParser.Result r = parse(log);
    assertEquals(1, r.maps().size());
    assertNull(r.maps().get(0).tokenTexts());
  }
}
