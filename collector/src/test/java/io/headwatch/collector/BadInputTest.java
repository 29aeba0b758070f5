package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
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

/** Bad requests get their documented status; the collector and its stored data survive them. */
class BadInputTest {
  private static final String PROTO = "application/x-protobuf";
  private static final String JSON = "application/json";
  @TempDir static Path dir;
  private static TestCollector c;
  private static final String TRACE = Fixtures.traceId(1);
  private static byte[] bomb;

  @BeforeAll
  static void start() throws Exception {
    c = TestCollector.start(dir, "max-body-bytes", "1MiB");
    byte[] span =
        Fixtures.span(TRACE, Fixtures.spanId(1), "m", 1_700_000_000_000_000_000L, 5_000_000, 4)
            .toByteArray();
    assertEquals(200, c.post("/v1/traces", PROTO, null, span).statusCode());
    TestCollector.await(
        TestCollector.WAIT, "stored prediction", () -> status("/api/predictions/" + TRACE) == 200);
  }

  @AfterAll
  static void stop() {
    c.close();
  }

  private static int status(String apiPath) {
    try {
      return c.get(apiPath).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void malformedProtobufIs400WithAStatusBody() throws Exception {
    HttpResponse<byte[]> r = c.post("/v1/metrics", PROTO, null, new byte[] {(byte) 0xff, 1, 2, 3});
    assertEquals(400, r.statusCode());
    assertEquals(PROTO, r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("malformed metrics payload"));
  }

  @Test
  void truncatedBodyIs400() throws Exception {
    byte[] whole =
        Fixtures.span(Fixtures.traceId(2), Fixtures.spanId(2), "m", 1L, 1L, 1).toByteArray();
    byte[] half = Arrays.copyOf(whole, whole.length / 2);
    assertEquals(400, c.post("/v1/traces", PROTO, null, half).statusCode());
    byte[] gz = TestCollector.gzip(whole);
    assertEquals(
        400,
        c.post("/v1/traces", PROTO, "gzip", Arrays.copyOf(gz, gz.length - 12)).statusCode(),
        "truncated gzip stream");
  }

  @Test
  void invalidJsonIs400InJson() throws Exception {
    HttpResponse<byte[]> r =
        c.post("/v1/logs", JSON, null, "{\"resourceLogs\": [".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    assertEquals(
        3,
        JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8))
            .getAsJsonObject()
            .get("code")
            .getAsInt());
    assertEquals(
        400,
        c.post("/v1/logs", JSON, null, "{\"resourceLogs\": 5}".getBytes(StandardCharsets.UTF_8))
            .statusCode());
    assertEquals(
        400,
        c.post(
                "/v1/traces",
                JSON,
                null,
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}"
                    .getBytes(StandardCharsets.UTF_8))
            .statusCode(),
        "trace id that is not hex");
  }

  @Test
  void unsupportedContentTypeOrEncodingIs415() throws Exception {
    assertEquals(415, c.post("/v1/metrics", "text/plain", null, new byte[] {1}).statusCode());
    assertEquals(415, c.post("/v1/metrics", PROTO, "br", new byte[] {1}).statusCode());
  }

  @Test
  void wrongMethodAndPath() throws Exception {
    HttpResponse<String> r =
        TestCollector.HTTP.send(
            HttpRequest.newBuilder(URI.create(c.otlp("/v1/metrics"))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, r.statusCode());
    assertEquals(404, c.post("/v1/profiles", PROTO, null, new byte[0]).statusCode());
  }

  @Test
  void oversizedBodyIs413WithOrWithoutContentLength() throws Exception {
    byte[] big = new byte[2 << 20];
    assertEquals(413, c.post("/v1/metrics", PROTO, null, big).statusCode());
    // No Content-Length: a chunked body is stopped while it is read.
    HttpRequest chunked =
        HttpRequest.newBuilder(URI.create(c.otlp("/v1/metrics")))
            .header("Content-Type", PROTO)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
            .build();
    assertEquals(
        413, TestCollector.HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  /** 1 GiB of zeros, gzip-compressed to about 1 MiB; made once, it takes a few seconds. */
  private static synchronized byte[] gzipBomb() throws Exception {
    if (bomb == null) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
        byte[] zeros = new byte[1 << 20];
        for (int i = 0; i < 1024; i++) {
          gz.write(zeros);
        }
      }
      bomb = bytes.toByteArray();
    }
    return bomb;
  }

  @Test
  void gzipBombIsStoppedWhileInflating() throws Exception {
    // The limit (1 MiB) applies to the inflated bytes too.
    byte[] bomb = gzipBomb();
    assertTrue(bomb.length < (1 << 20), "compressed bomb fits under the raw limit: " + bomb.length);
    HttpResponse<byte[]> r = c.post("/v1/metrics", PROTO, "gzip", bomb);
    assertEquals(413, r.statusCode());
    // Stopped at the limit while inflating: the message names the inflated bytes.
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("decompressed body exceeds"));
  }

  @Test
  void afterBadInputTheCollectorServesAndKeepsItsData() throws Exception {
    malformedProtobufIs400WithAStatusBody();
    gzipBombIsStoppedWhileInflating();
    assertEquals(200, status("/api/predictions/" + TRACE));
    String trace = Fixtures.traceId(3);
    assertEquals(
        200,
        c.post(
                "/v1/traces",
                PROTO,
                null,
                Fixtures.span(trace, Fixtures.spanId(3), "m", 2L, 1L, 1).toByteArray())
            .statusCode());
    TestCollector.await(
        TestCollector.WAIT, "new prediction", () -> status("/api/predictions/" + trace) == 200);
    Map<String, Double> m = c.metrics();
    assertTrue(
        m.get("headwatch_collector_rejected_total{signal=\"metrics\",reason=\"malformed\"}") >= 1);
    assertTrue(
        m.get("headwatch_collector_rejected_total{signal=\"metrics\",reason=\"too_large\"}") >= 1);
  }
}
