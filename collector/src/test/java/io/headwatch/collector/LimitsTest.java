package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that would make the collector hold too much are refused with a 400 (or 413) whose
 * message names the setting; afterwards a valid request is still served.
 */
class LimitsTest {
  private static final String PROTO = "application/x-protobuf";
  private static final String JSON = "application/json";
  @TempDir static Path dir;
  private static TestCollector c;

  @BeforeAll
  static void start() throws Exception {
    c = TestCollector.start(dir);
  }

  @AfterAll
  static void stop() {
    c.close();
  }

  private static String refusal(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** The status, and the setting named in the Status message (JSON, or UTF-8 inside protobuf). */
  private static void assertRefused(HttpResponse<byte[]> r, int status, String setting) {
    assertEquals(status, r.statusCode(), refusal(r));
    assertTrue(refusal(r).contains(setting), refusal(r));
    if (r.headers().firstValue("Content-Type").orElse("").equals(JSON)) {
      JsonObject body = JsonParser.parseString(refusal(r)).getAsJsonObject();
      assertEquals(3, body.get("code").getAsInt());
    }
  }

  private static void assertValidRequestServed() throws Exception {
    String trace = Fixtures.traceId(System.nanoTime() & 0xffffff);
    assertEquals(
        200,
        c.post(
                "/v1/logs",
                PROTO,
                null,
                Fixtures.snapshot(
                        trace,
                        Fixtures.spanId(1),
                        "m",
                        1L,
                        1,
                        2,
                        Map.of("entropy", new double[] {0.25, 0.5}))
                    .toByteArray())
            .statusCode());
    assertEquals(200, c.get("/api/predictions/" + trace).statusCode());
  }

  @Test
  void aSnapshotDeclaringAMillionHeadsIs400NamingTheLimit() throws Exception {
    ExportLogsServiceRequest huge =
        Fixtures.snapshot(Fixtures.traceId(1), Fixtures.spanId(1), "m", 1L, 1_000_000, 1, Map.of());
    HttpResponse<byte[]> r = c.post("/v1/logs", PROTO, null, huge.toByteArray());
    assertRefused(r, 400, "max-attention-cells");
    assertTrue(refusal(r).contains("1000000 × 1"), refusal(r));
    assertValidRequestServed();
  }

  @Test
  void labelValuesOfAMebibyteAre400NamingTheLimit() throws Exception {
    char[] mib = new char[1 << 20];
    Arrays.fill(mib, 'x');
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setAsDouble(1);
    for (int i = 0; i < 15; i++) {
      p.addAttributes(Fixtures.kv("label" + i, Fixtures.str(new String(mib))));
    }
    byte[] body = metrics(p).toByteArray();
    HttpResponse<byte[]> proto = c.post("/v1/metrics", PROTO, "gzip", TestCollector.gzip(body));
    assertEquals(400, proto.statusCode());
    // A protobuf google.rpc.Status: its message is plain UTF-8 inside.
    assertTrue(refusal(proto).contains("max-attribute-value-bytes"), refusal(proto));
    HttpResponse<byte[]> r =
        c.post("/v1/metrics", JSON, "gzip", TestCollector.gzip(jsonOf(metrics(p))));
    assertRefused(r, 400, "max-attribute-value-bytes");
    assertValidRequestServed();
  }

  @Test
  void tooManyAttributesAre400() throws Exception {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setAsDouble(1);
    for (int i = 0; i < 200; i++) {
      p.addAttributes(Fixtures.kv("k" + i, Fixtures.str("v")));
    }
    assertRefused(
        c.post("/v1/metrics", PROTO, null, metrics(p).toByteArray()), 400, "max-attributes");
  }

  @Test
  void fifteenKilobytesOfGzipHoldingEightMillionEmptyLogRecordsAre400() throws Exception {
    // Each empty LogRecord is 2 bytes on the wire (tag, length 0): 8 M of them in 16 MB.
    byte[] record = {0x12, 0x00};
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    int records = 8_000_000;
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      // ExportLogsServiceRequest { resource_logs (1) { scope_logs (2) { log_records (2)... } } }
      long content = records * 2L;
      byte[] scopeLogs = lengthPrefixed(0x12, content);
      byte[] resourceLogs = lengthPrefixed(0x0a, scopeLogs.length + content);
      out.write(resourceLogs);
      out.write(scopeLogs);
      for (int i = 0; i < records; i++) {
        out.write(record);
      }
    }
    byte[] bomb = gz.toByteArray();
    assertTrue(bomb.length < 64 * 1024, "small on the wire: " + bomb.length);
    HttpResponse<byte[]> r = c.post("/v1/logs", PROTO, "gzip", bomb);
    assertEquals(400, r.statusCode(), refusal(r));
    assertTrue(refusal(r).contains("max-items-per-request"), refusal(r));
    assertValidRequestServed();
  }

  /** A tag and a varint length, the header of a length-delimited field. */
  private static byte[] lengthPrefixed(int tag, long length) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(tag);
    long v = length;
    while ((v & ~0x7FL) != 0) {
      b.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.write((int) v);
    return b.toByteArray();
  }

  private static ExportMetricsServiceRequest metrics(NumberDataPoint.Builder p) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(
                            Metric.newBuilder()
                                .setName("limits.test")
                                .setGauge(Gauge.newBuilder().addDataPoints(p)))))
        .build();
  }

  private static byte[] jsonOf(com.google.protobuf.Message m) throws Exception {
    return com.google.protobuf.util.JsonFormat.printer().print(m).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aRequestTooLargeToDecodeWithinTheQueueBudgetIs413() throws Exception {
    try (TestCollector small =
        TestCollector.start(dir.resolve("small"), "ingest-queue-bytes", "1MiB")) {
      ScopeLogs.Builder sl = ScopeLogs.newBuilder();
      for (int i = 0; i < 20_000; i++) {
        sl.addLogRecords(
            LogRecord.newBuilder()
                .addAttributes(Fixtures.kv("k", AnyValue.newBuilder().setIntValue(i).build())));
      }
      byte[] body =
          ExportLogsServiceRequest.newBuilder()
              .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(sl))
              .build()
              .toByteArray();
      HttpResponse<byte[]> r = small.post("/v1/logs", PROTO, null, body);
      assertEquals(413, r.statusCode());
      // protobuf error body: the message is readable in it
      assertTrue(refusal(r).contains("ingest-queue-bytes"), refusal(r));
    }
  }
}
