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
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing OTLP decoding, bounded in count (tries per case) and in time (each try is stopped after
 * 60 s and fails as a hang): arbitrary bytes, valid requests with random edits, and arbitrary JSON
 * text, as protobuf or JSON, plain or gzip. Every input must either decode (and then parse into
 * spans, snapshots and series without an exception) or be refused with a 4xx/503 whose message says
 * why. Nothing else may escape. Inputs come from a seeded generator: the same inputs on every run,
 * other ones with {@code -Dfuzz.seed=N}; a failure names its seed and try.
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

  private static final long SEED = Long.getLong("fuzz.seed", 20261130L);

  /** Runs {@code tries} cases, each from its own seeded generator; a failure names it. */
  private static void fuzz(String name, int tries, java.util.function.Consumer<Random> oneCase) {
    for (int t = 0; t < tries; t++) {
      long seed = SEED * 1_000_003L + name.hashCode() * 31L + t;
      try {
        oneCase.accept(new Random(seed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(name + " failed at try " + t + " (case seed " + seed + ")", e);
      }
    }
  }

  private static Signal anySignal(Random r) {
    return Signal.values()[r.nextInt(Signal.values().length)];
  }

  @Test
  void arbitraryBytes() {
    fuzz(
        "bytes",
        400,
        r -> {
          byte[] raw = new byte[r.nextInt(2049)];
          r.nextBytes(raw);
          boolean gzip = r.nextBoolean();
          decodeOrRefuse(
              anySignal(r), r.nextBoolean(), gzip, gzip && r.nextBoolean() ? gzip(raw) : raw);
        });
  }

  @Test
  void validRequestsWithRandomEdits() {
    fuzz(
        "edits",
        300,
        r -> {
          boolean json = r.nextBoolean();
          byte[] body = json ? SNAPSHOT_JSON.clone() : SNAPSHOT.clone();
          int edits = 1 + r.nextInt(8);
          for (int e = 0; e < edits; e++) {
            int at = r.nextInt(body.length);
            switch (r.nextInt(3)) {
              case 0 -> body[at] = (byte) r.nextInt(256); // replace a byte
              case 1 -> body = java.util.Arrays.copyOf(body, Math.max(1, at)); // truncate
              default -> body[at] ^= (byte) (1 << r.nextInt(8)); // flip a bit
            }
          }
          boolean gzip = r.nextBoolean();
          decodeOrRefuse(Signal.LOGS, json, gzip, gzip ? gzip(body) : body);
        });
  }

  private static final String[] JSON_TOKENS = {
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
    "9223372036854775808"
  };

  @Test
  void arbitraryJsonText() {
    fuzz(
        "json",
        300,
        r -> {
          StringBuilder text = new StringBuilder();
          int n = r.nextInt(61);
          for (int i = 0; i < n; i++) {
            text.append(JSON_TOKENS[r.nextInt(JSON_TOKENS.length)]);
          }
          decodeOrRefuse(
              anySignal(r), true, false, text.toString().getBytes(StandardCharsets.UTF_8));
        });
  }

  private static final byte[] SNAPSHOT = snapshot().toByteArray();
  private static final byte[] SNAPSHOT_JSON = json(snapshot());

  @Test
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
