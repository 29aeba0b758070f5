package io.headwatch.collector.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.headwatch.collector.ingest.LimitExceededException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heap estimate of the byte walk is at least what decoding really allocates (measured per
 * thread by the JVM), for the shapes an attacker would pick and for an agent's ordinary batch; and
 * for the ordinary batch not so much more that real traffic is refused.
 */
class RequestCostTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static AnyValue d(double v) {
    return AnyValue.newBuilder().setDoubleValue(v).build();
  }

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static ExportLogsServiceRequest logs(LogRecord.Builder... records) {
    ScopeLogs.Builder sl = ScopeLogs.newBuilder();
    for (LogRecord.Builder r : records) {
      sl.addLogRecords(r);
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(sl))
        .build();
  }

  /** 50 snapshots of a 6 x 12 model: 8 statistics of 72 values, 7 per-layer arrays of 6. */
  private static byte[] agentBatch() {
    LogRecord.Builder[] rs = new LogRecord.Builder[50];
    for (int n = 0; n < rs.length; n++) {
      LogRecord.Builder r =
          LogRecord.newBuilder()
              .setEventName("headwatch.snapshot")
              .addAttributes(
                  kv("gen_ai.request.model", AnyValue.newBuilder().setStringValue("m").build()));
      for (int s = 0; s < 8; s++) {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int i = 0; i < 72; i++) {
          a.addValues(d(i * 0.01 + n));
        }
        r.addAttributes(
            kv("headwatch.attention.s" + s, AnyValue.newBuilder().setArrayValue(a).build()));
      }
      for (int s = 0; s < 7; s++) {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int i = 0; i < 6; i++) {
          a.addValues(d(i));
        }
        r.addAttributes(
            kv("headwatch.activation.s" + s, AnyValue.newBuilder().setArrayValue(a).build()));
      }
      rs[n] = r;
    }
    return logs(rs).toByteArray();
  }

  private static byte[] emptyRecords(int n) {
    LogRecord.Builder[] rs = new LogRecord.Builder[n];
    for (int i = 0; i < n; i++) {
      rs[i] = LogRecord.newBuilder();
    }
    return logs(rs).toByteArray();
  }

  private static byte[] emptyAttributes(int n) {
    LogRecord.Builder r = LogRecord.newBuilder();
    for (int i = 0; i < n; i++) {
      r.addAttributes(KeyValue.getDefaultInstance());
    }
    return logs(r).toByteArray();
  }

  private static byte[] bigArray(int n) {
    ArrayValue.Builder a = ArrayValue.newBuilder();
    for (int i = 0; i < n; i++) {
      a.addValues(d(i));
    }
    return logs(LogRecord.newBuilder()
            .addAttributes(kv("a", AnyValue.newBuilder().setArrayValue(a).build())))
        .toByteArray();
  }

  private static byte[] shortStrings(int n) {
    LogRecord.Builder r = LogRecord.newBuilder();
    for (int i = 0; i < n; i++) {
      r.addAttributes(kv("k", AnyValue.newBuilder().setStringValue("v").build()));
    }
    return logs(r).toByteArray();
  }

  /** A log record made of unknown varint fields (number 99), which protobuf keeps. */
  private static byte[] unknownFields(int n) throws Exception {
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(record);
    for (int i = 0; i < n; i++) {
      out.writeUInt64(99, i);
    }
    out.flush();
    byte[] r = record.toByteArray();
    ByteArrayOutputStream scope = new ByteArrayOutputStream();
    CodedOutputStream so = CodedOutputStream.newInstance(scope);
    so.writeByteArray(2, r);
    so.flush();
    ByteArrayOutputStream resource = new ByteArrayOutputStream();
    CodedOutputStream ro = CodedOutputStream.newInstance(resource);
    ro.writeByteArray(2, scope.toByteArray());
    ro.flush();
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    CodedOutputStream qo = CodedOutputStream.newInstance(req);
    qo.writeByteArray(1, resource.toByteArray());
    qo.flush();
    return req.toByteArray();
  }

  /** Arrays nested 30 deep (60 messages), many times over. */
  private static byte[] nested(int copies) {
    LogRecord.Builder r = LogRecord.newBuilder();
    for (int c = 0; c < copies; c++) {
      AnyValue v = d(1);
      for (int i = 0; i < 30; i++) {
        v = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build();
      }
      r.addAttributes(kv("n", v));
    }
    return logs(r).toByteArray();
  }

  private static long allocatedBy(Supplier<Message> decode) {
    long tid = Thread.currentThread().getId();
    // Warm up, so that class loading and JIT do not count.
    decode.get();
    long before = THREADS.getThreadAllocatedBytes(tid);
    Message m = decode.get();
    long after = THREADS.getThreadAllocatedBytes(tid);
    assertTrue(m.getSerializedSize() >= 0);
    return after - before;
  }

  private static byte[] shape(String name) throws Exception {
    return switch (name) {
      case "agent-batch" -> agentBatch();
      case "empty-records" -> emptyRecords(90_000);
      case "empty-attributes" -> emptyAttributes(500_000);
      case "big-array" -> bigArray(500_000);
      case "short-strings" -> shortStrings(200_000);
      case "unknown-fields" -> unknownFields(500_000);
      case "nested" -> nested(2_000);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "agent-batch",
        "empty-records",
        "empty-attributes",
        "big-array",
        "short-strings",
        "unknown-fields",
        "nested"
      })
  void protobufEstimateCoversWhatDecodingAllocates(String name) throws Exception {
    byte[] body = shape(name);
    RequestCost.Cost cost = RequestCost.protobuf(Signal.LOGS, body, Long.MAX_VALUE);
    long allocated = allocatedBy(() -> parse(body));
    System.out.printf(
        "protobuf %-16s body %9d B, estimate %11d B, allocated %11d B, ratio %.2f%n",
        name, body.length, cost.heapBytes(), allocated, cost.heapBytes() / (double) allocated);
    assertTrue(cost.heapBytes() >= allocated, name + ": estimate below allocation");
    if (name.equals("agent-batch")) {
      assertTrue(cost.heapBytes() <= 4 * allocated, "ordinary batch over-estimated");
      assertEquals(50, cost.items());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "agent-batch",
        "empty-records",
        "empty-attributes",
        "big-array",
        "short-strings",
        "nested"
      })
  void jsonEstimateCoversWhatDecodingAllocates(String name) throws Exception {
    byte[] body = OtlpJson.print(parse(shape(name)));
    RequestCost.Cost cost = RequestCost.json(body, Long.MAX_VALUE);
    long allocated =
        allocatedBy(
            () -> {
              try {
                return OtlpJson.parse(Signal.LOGS, body);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    System.out.printf(
        "json     %-16s body %9d B, estimate %11d B, allocated %11d B, ratio %.2f%n",
        name, body.length, cost.heapBytes(), allocated, cost.heapBytes() / (double) allocated);
    assertTrue(cost.heapBytes() >= allocated, name + ": estimate below allocation");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void tooManyItemsAreRefusedWhileWalking(boolean json) throws Exception {
    byte[] body = emptyRecords(1_001);
    byte[] json2 = OtlpJson.print(parse(body));
    LimitExceededException e =
        assertThrows(
            LimitExceededException.class,
            () -> {
              if (json) {
                RequestCost.json(json2, 1_000);
              } else {
                RequestCost.protobuf(Signal.LOGS, body, 1_000);
              }
            });
    assertEquals("max-items-per-request", e.setting());
  }

  private static Message parse(byte[] body) {
    try {
      return Signal.LOGS.parse(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
