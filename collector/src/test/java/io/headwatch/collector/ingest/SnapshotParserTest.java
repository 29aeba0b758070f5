package io.headwatch.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.headwatch.collector.model.Snapshot;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import org.junit.jupiter.api.Test;

class SnapshotParserTest {
  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static AnyValue i(long v) {
    return AnyValue.newBuilder().setIntValue(v).build();
  }

  private static AnyValue doubles(double... v) {
    ArrayValue.Builder a = ArrayValue.newBuilder();
    for (double d : v) {
      a.addValues(AnyValue.newBuilder().setDoubleValue(d));
    }
    return AnyValue.newBuilder().setArrayValue(a).build();
  }

  private static SnapshotParser.Result parse(LogRecord.Builder log) {
    log.setTraceId(ByteString.copyFrom(new byte[16]))
        .setSpanId(ByteString.copyFrom(new byte[8]))
        .addAttributes(
            kv("gen_ai.request.model", AnyValue.newBuilder().setStringValue("m").build()));
    return SnapshotParser.snapshots(
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log)))
            .build());
  }

  @Test
  void activationOnlySnapshotsHaveZeroHeads() {
    SnapshotParser.Result r =
        parse(
            LogRecord.newBuilder()
                .setEventName("headwatch.snapshot")
                .addAttributes(kv("headwatch.layers", i(2)))
                .addAttributes(kv("headwatch.heads", i(0)))
                .addAttributes(kv("headwatch.activation.std", doubles(0.5, 0.25))));
    assertEquals(0, r.invalid());
    Snapshot s = r.snapshots().get(0);
    assertEquals(0, s.heads());
    assertTrue(s.attention().isEmpty());
    assertEquals(0.25, s.activation().get("std")[1]);
  }

  @Test
  void wrongArrayLengthIsInvalidAndOtherEventsAreSkipped() {
    assertEquals(
        1,
        parse(
                LogRecord.newBuilder()
                    .setEventName("headwatch.snapshot")
                    .addAttributes(kv("headwatch.layers", i(2)))
                    .addAttributes(kv("headwatch.heads", i(2)))
                    .addAttributes(kv("headwatch.attention.entropy", doubles(0.5, 0.25, 0.1))))
            .invalid());
    SnapshotParser.Result other = parse(LogRecord.newBuilder().setEventName("app.log"));
    assertEquals(0, other.invalid());
    assertTrue(other.snapshots().isEmpty());
  }
}
