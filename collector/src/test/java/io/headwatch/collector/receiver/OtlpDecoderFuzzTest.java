package io.headwatch.collector.receiver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.headwatch.collector.ingest.RequestLimits;
import io.headwatch.collector.ingest.SnapshotParser;
import io.headwatch.collector.ingest.SpanParser;
import io.headwatch.collector.prometheus.OtlpMetricsTranslator;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.headwatch.collector.prometheus.SeriesRegistry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.prometheus.client.CollectorRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing OTLP decoding with jqwik, bounded in count (tries per property) and in time (each try is
 * stopped after 60 s and fails as a hang): arbitrary bytes, valid requests with random edits, and
 * arbitrary JSON text, as protobuf or JSON, plain or gzip. Every input must either decode (and then
 * parse into spans, snapshots and series without an exception) or be refused with a 4xx/503 whose
 * message says why. Nothing else may escape.
 */
class OtlpDecoderFuzzTest {
  private static final Duration HANG = Duration.ofSeconds(60);
  private static final Set<Integer> REFUSALS = Set.of(400, 413, 503);
  private static final OtlpDecoder DECODER =
      new OtlpDecoder(1 << 20, 10_000, new RequestLimits(4096, 128, 16 * 1024));
  private static final MemoryBudget BUDGET = new MemoryBudget(64L << 20);
  private static final SelfMetrics SELF = new SelfMetrics(new CollectorRegistry());
  private static final OtlpMetricsTranslator METRICS =
      new OtlpMetricsTranslator(new SeriesRegistry(10_000, 16L << 20, 60_000, () -> 0L, SELF));

  private static void decodeOrRefuse(Signal signal, boolean json, boolean gzip, byte[] raw) {
    assertTimeoutPreemptively(
        HANG,
        () -> {
          try (MemoryBudget.Lease lease = BUDGET.lease()) {
            Message m = DECODER.decode(signal, json, gzip, raw, lease, heap -> true);
            // What decodes must also be usable by the stages after the receiver.
            if (m instanceof ExportLogsServiceRequest l) {
              SnapshotParser.snapshots(l);
            } else if (m instanceof ExportTraceServiceRequest t) {
              SpanParser.inferenceSpans(t);
            } else if (m instanceof ExportMetricsServiceRequest mr) {
              METRICS.accept(mr);
              OtlpMetricsTranslator.unsupportedPoints(mr);
            }
          } catch (OtlpDecoder.Refused r) {
            assertTrue(REFUSALS.contains(r.status()), r.status() + " " + r.getMessage());
            assertFalse(r.getMessage() == null || r.getMessage().isBlank());
          }
        });
  }

  @Property(tries = 400)
  void arbitraryBytes(
      @ForAll Signal signal,
      @ForAll boolean json,
      @ForAll boolean gzip,
      @ForAll @Size(max = 2048) byte[] raw) {
    decodeOrRefuse(signal, json, gzip, gzip && raw.length % 2 == 0 ? gzip(raw) : raw);
  }

  @Property(tries = 300)
  void validRequestsWithRandomEdits(
      @ForAll("edits") List<int[]> edits, @ForAll boolean gzip, @ForAll boolean json) {
    byte[] body = json ? SNAPSHOT_JSON.clone() : SNAPSHOT.clone();
    for (int[] e : edits) {
      int at = Math.floorMod(e[0], body.length);
      switch (Math.floorMod(e[1], 3)) {
        case 0 -> body[at] = (byte) e[2]; // replace a byte
        case 1 -> body = java.util.Arrays.copyOf(body, Math.max(1, at)); // truncate
        default -> body[at] ^= (byte) (1 << Math.floorMod(e[2], 8)); // flip a bit
      }
    }
    decodeOrRefuse(Signal.LOGS, json, gzip, gzip ? gzip(body) : body);
  }

  @Property(tries = 300)
  void arbitraryJsonText(@ForAll("jsonish") String text, @ForAll Signal signal) {
    decodeOrRefuse(signal, true, false, text.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<List<int[]>> edits() {
    Arbitrary<int[]> edit =
        Combinators.combine(Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers())
            .as((a, b, c) -> new int[] {a, b, c});
    return edit.list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> jsonish() {
    Arbitrary<String> tokens =
        Arbitraries.of(
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"resourceLogs\"",
            "\"resourceSpans\"",
            "\"resourceMetrics\"",
            "\"scopeLogs\"",
            "\"logRecords\"",
            "\"spans\"",
            "\"traceId\"",
            "\"attributes\"",
            "\"key\"",
            "\"value\"",
            "\"intValue\"",
            "\"arrayValue\"",
            "\"values\"",
            "\"doubleValue\"",
            "\"0102\"",
            "\"zz\"",
            "1",
            "-1e999",
            "null",
            "true",
            "\"\\u0000\"",
            "9223372036854775808");
    return tokens.list().ofMaxSize(60).map(l -> String.join("", l));
  }

  private static final byte[] SNAPSHOT = snapshot().toByteArray();
  private static final byte[] SNAPSHOT_JSON = json(snapshot());

  @Property(tries = 1)
  void theUneditedJsonSnapshotDecodes() throws Exception {
    try (MemoryBudget.Lease lease = BUDGET.lease()) {
      Message m = DECODER.decode(Signal.LOGS, true, false, SNAPSHOT_JSON, lease, heap -> true);
      assertTrue(
          SnapshotParser.snapshots((ExportLogsServiceRequest) m).snapshots().size() == 1,
          new String(SNAPSHOT_JSON, StandardCharsets.UTF_8));
    }
  }

  private static ExportLogsServiceRequest snapshot() {
    ArrayValue.Builder a = ArrayValue.newBuilder();
    for (int i = 0; i < 6; i++) {
      a.addValues(AnyValue.newBuilder().setDoubleValue(i / 6.0));
    }
    LogRecord log =
        LogRecord.newBuilder()
            .setEventName("headwatch.snapshot")
            .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
            .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[8]))
            .addAttributes(
                kv("gen_ai.request.model", AnyValue.newBuilder().setStringValue("m").build()))
            .addAttributes(kv("headwatch.layers", AnyValue.newBuilder().setIntValue(2).build()))
            .addAttributes(kv("headwatch.heads", AnyValue.newBuilder().setIntValue(3).build()))
            .addAttributes(
                kv("headwatch.attention.entropy", AnyValue.newBuilder().setArrayValue(a).build()))
            .build();
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log)))
        .build();
  }

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static byte[] json(Message m) {
    try {
      // protobuf's JSON prints ids in base64; OTLP/JSON wants hex (all zeros here).
      String text =
          new String(OtlpJson.print(m), StandardCharsets.UTF_8)
              .replace("\"AAAAAAAAAAAAAAAAAAAAAA==\"", "\"" + "0".repeat(32) + "\"")
              .replace("\"AAAAAAAAAAA=\"", "\"" + "0".repeat(16) + "\"");
      return text.getBytes(StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
      gz.write(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return b.toByteArray();
  }
}
