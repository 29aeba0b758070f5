package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP surface with tokens set: what needs which token, probes without one, and every error the
 * server itself produces (a malformed request line, oversized headers, a bad URI) in the port's own
 * JSON format rather than Jetty's HTML.
 */
class HttpSurfaceTest {
  private static final String INGEST_TOKEN = "ingest-0123456789abcdef";
  private static final String API_TOKEN = "api-0123456789abcdef0123";
  private static final String PROTO = "application/x-protobuf";
  @TempDir static Path dir;
  private static TestCollector c;

  @BeforeAll
  static void start() throws Exception {
    c = TestCollector.start(dir, "ingest-token", INGEST_TOKEN, "api-token", API_TOKEN);
  }

  @AfterAll
  static void stop() {
    c.close();
  }

  private static HttpResponse<String> post(String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(c.otlp("/v1/logs")))
            .timeout(TestCollector.WAIT)
            .header("Content-Type", PROTO)
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    Fixtures.snapshot(
                            Fixtures.traceId(5),
                            Fixtures.spanId(5),
                            "m",
                            1L,
                            1,
                            1,
                            Map.of("entropy", new double[] {0.5}))
                        .toByteArray()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return TestCollector.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(c.api(path))).timeout(TestCollector.WAIT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return TestCollector.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ingestNeedsTheIngestToken() throws Exception {
    for (String wrong : new String[] {null, "not-the-token-at-all", API_TOKEN}) {
      HttpResponse<String> r = post(wrong);
      assertEquals(401, r.statusCode(), "token " + wrong);
      assertEquals(
          "Bearer realm=\"headwatch\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
      assertTrue(r.body().contains("OTEL_EXPORTER_OTLP_HEADERS"), r.body());
      // Answered before the body was read: the connection is not reused for the next request.
      assertEquals("close", r.headers().firstValue("Connection").orElse(""), "token " + wrong);
    }
    assertEquals(200, post(INGEST_TOKEN).statusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/models", "/api/predictions", "/metrics"})
  void apiAndMetricsNeedTheApiToken(String path) throws Exception {
    for (String wrong : new String[] {null, INGEST_TOKEN}) {
      HttpResponse<String> r = get(path, wrong);
      assertEquals(401, r.statusCode());
      assertTrue(
          JsonParser.parseString(r.body())
              .getAsJsonObject()
              .get("error")
              .getAsString()
              .contains("api-token"));
    }
    assertEquals(200, get(path, API_TOKEN).statusCode());
  }

  @Test
  void probesNeedNoToken() throws Exception {
    HttpResponse<String> live = get("/health/live", null);
    assertEquals(200, live.statusCode());
    assertEquals(
        "live", JsonParser.parseString(live.body()).getAsJsonObject().get("status").getAsString());
    HttpResponse<String> ready = get("/health/ready", null);
    assertEquals(200, ready.statusCode(), ready.body());
    JsonObject o = JsonParser.parseString(ready.body()).getAsJsonObject();
    assertEquals("ready", o.get("status").getAsString());
    assertEquals(0, o.getAsJsonArray("problems").size());
  }

  @Test
  void aTimeFarInThePastIs400NotEverything() throws Exception {
    for (String from : new String[] {"-1000000000-01-01T00:00:00Z", "1000-01-01T00:00:00Z"}) {
      HttpResponse<String> r = get("/api/predictions?from=" + from, API_TOKEN);
      assertEquals(400, r.statusCode(), from);
      JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
      assertEquals("from", o.get("parameter").getAsString());
      assertTrue(o.get("error").getAsString().contains("1970-01-01T00:00:00Z"), r.body());
    }
  }

  /** Raw bytes to a port, "Connection: close" so that the answer ends with the connection. */
  private static String raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) TestCollector.WAIT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.UTF_8);
    }
  }

  private static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void serverLevelErrorsAreJsonOnTheApiPort() throws Exception {
    int port = c.collector.httpPort();
    String garbage = raw(port, "THIS IS NOT HTTP\r\n\r\n");
    String longHeader =
        raw(
            port,
            "GET /api/models HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");
    String badUri = raw(port, "GET /api/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    for (String r : new String[] {garbage, longHeader, badUri}) {
      assertTrue(r.startsWith("HTTP/1.1 4"), r);
      assertTrue(r.toLowerCase().contains("content-type: application/json"), r);
      JsonObject o = JsonParser.parseString(body(r)).getAsJsonObject();
      assertTrue(o.has("error"), r);
    }
    assertTrue(longHeader.startsWith("HTTP/1.1 431"), longHeader);
  }

  @Test
  void serverLevelErrorsAreOtlpStatusOnTheOtlpPort() throws Exception {
    int port = c.collector.otlpPort();
    String garbage = raw(port, "THIS IS NOT HTTP\r\n\r\n");
    String longHeader =
        raw(
            port,
            "POST /v1/logs HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");
    for (String r : new String[] {garbage, longHeader}) {
      assertTrue(r.startsWith("HTTP/1.1 4"), r);
      assertTrue(r.toLowerCase().contains("content-type: application/json"), r);
      JsonObject o = JsonParser.parseString(body(r)).getAsJsonObject();
      assertTrue(o.has("code") && o.has("message"), r);
    }
  }
}
