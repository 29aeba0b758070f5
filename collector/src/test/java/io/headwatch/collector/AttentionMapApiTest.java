package io.headwatch.collector;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code headwatch.attention_map} records sent by the real OpenTelemetry SDK (bytes body) are
 * stored with their prediction and served, decoded, by GET /api/predictions/{id}/attention; the
 * weights are checked against the bytes the test encoded itself.
 */
class AttentionMapApiTest {
  private static final int LAYERS = 2;
  private static final int HEADS = 3;
  private static final int TOKENS = 4;
  private static final List<String> TEXTS = List.of("[CLS]", "<b>hi</b>", "there", "[SEP]");
  @TempDir static Path dir;
  private static TestCollector c;

  @BeforeAll
  static void start() throws Exception {
    c = TestCollector.start(dir, "max-attention-map-bytes", "2KiB");
  }

  @AfterAll
  static void stop() {
    c.close();
  }

  /** Byte of (layer, head, query, key) in the u8 encoding: distinct, to catch any mix-up. */
  private static int u8(int layer, int head, int q, int k) {
    return (layer * 61 + head * 29 + q * 7 + k * 3) % 256;
  }

  private static byte[] u8Body() {
    byte[] b = new byte[LAYERS * HEADS * TOKENS * TOKENS];
    int i = 0;
    for (int l = 0; l < LAYERS; l++) {
      for (int h = 0; h < HEADS; h++) {
        for (int q = 0; q < TOKENS; q++) {
          for (int k = 0; k < TOKENS; k++) {
            b[i++] = (byte) u8(l, h, q, k);
          }
        }
      }
    }
    return b;
  }

  private static Resource resource() {
    return Resource.getDefault()
        .merge(
            Resource.create(
                Attributes.of(
                    stringKey("service.name"), "svc", stringKey("service.instance.id"), "i")));
  }

  /** Sends, in this order, the map, then the snapshot, then the span; returns the trace id. */
  private static String send(String model, byte[] body, String encoding, Long topK)
      throws Exception {
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(resource())
            .addSpanProcessor(
                SimpleSpanProcessor.create(
                    OtlpHttpSpanExporter.builder()
                        .setEndpoint(c.otlp("/v1/traces"))
                        .setTimeout(TestCollector.WAIT)
                        .build()))
            .build();
    SdkLoggerProvider logging =
        SdkLoggerProvider.builder()
            .setResource(resource())
            .addLogRecordProcessor(
                SimpleLogRecordProcessor.create(
                    OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(c.otlp("/v1/logs"))
                        .setTimeout(TestCollector.WAIT)
                        .build()))
            .build();
    Span span =
        tracing
            .get("io.headwatch.test")
            .spanBuilder("embeddings " + model)
            .setAttribute(stringKey("gen_ai.request.model"), model)
            .setAttribute(booleanKey("headwatch.sampled"), true)
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      var map =
          logging
              .get("io.headwatch.test")
              .logRecordBuilder()
              .setEventName("headwatch.attention_map")
              .setAttribute(stringKey("gen_ai.request.model"), model)
              .setAttribute(longKey("headwatch.batch.index"), 0L)
              .setAttribute(longKey("headwatch.layers"), (long) LAYERS)
              .setAttribute(longKey("headwatch.heads"), (long) HEADS)
              .setAttribute(longKey("headwatch.map.tokens"), (long) TOKENS)
              .setAttribute(stringKey("headwatch.map.encoding"), encoding)
              .setAttribute(stringKey("headwatch.map.reason"), "unusual")
              .setAttribute(stringArrayKey("headwatch.tokens"), TEXTS)
              .setBody(Value.of(body));
      if (topK != null) {
        map.setAttribute(longKey("headwatch.map.top_k"), topK);
      }
      map.emit();
      logging
          .get("io.headwatch.test")
          .logRecordBuilder()
          .setEventName("headwatch.snapshot")
          .setAttribute(stringKey("gen_ai.request.model"), model)
          .setAttribute(longKey("headwatch.batch.index"), 0L)
          .setAttribute(longKey("headwatch.layers"), (long) LAYERS)
          .setAttribute(longKey("headwatch.heads"), (long) HEADS)
          .emit();
    }
    span.end();
    tracing.forceFlush().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
    logging.forceFlush().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
    tracing.shutdown().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
    logging.shutdown().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
    String traceId = span.getSpanContext().getTraceId();
    TestCollector.await(
        TestCollector.WAIT,
        "prediction " + traceId + " with its span, snapshot and map",
        () -> {
          try {
            JsonObject p = c.getJson("/api/predictions/" + traceId).getAsJsonObject();
            return p.get("has_span").getAsBoolean()
                && p.get("snapshot_count").getAsInt() == 1
                && p.getAsJsonArray("maps").size() == 1;
          } catch (Exception | AssertionError e) {
            return false;
          }
        });
    return traceId;
  }

  @Test
  void u8MapsAreServedAsWeightsPerHeadWithTheirTokens() throws Exception {
    String traceId = send("map-u8", u8Body(), "u8", null);
    JsonObject p = c.getJson("/api/predictions/" + traceId).getAsJsonObject();
    JsonObject info = p.getAsJsonArray("maps").get(0).getAsJsonObject();
    assertEquals(0, info.get("batch_index").getAsInt());
    assertEquals(TOKENS, info.get("tokens").getAsInt());
    assertEquals("u8", info.get("encoding").getAsString());
    assertTrue(info.get("top_k").isJsonNull());
    assertEquals("unusual", info.get("reason").getAsString());

    for (int layer = 0; layer < LAYERS; layer++) {
      for (int head = 0; head < HEADS; head++) {
        JsonObject m =
            c.getJson(
                    "/api/predictions/"
                        + traceId
                        + "/attention?batch=0&layer="
                        + layer
                        + "&head="
                        + head)
                .getAsJsonObject();
        assertEquals(layer, m.get("layer").getAsInt());
        assertEquals(head, m.get("head").getAsInt());
        assertEquals(TOKENS, m.get("tokens").getAsInt());
        JsonArray labels = new JsonArray();
        TEXTS.forEach(labels::add);
        assertEquals(labels, m.getAsJsonArray("token_labels"));
        JsonArray rows = m.getAsJsonArray("weights");
        assertEquals(TOKENS, rows.size());
        for (int q = 0; q < TOKENS; q++) {
          JsonArray row = rows.get(q).getAsJsonArray();
          assertEquals(TOKENS, row.size());
          for (int k = 0; k < TOKENS; k++) {
            assertEquals(
                u8(layer, head, q, k) / 255.0,
                row.get(k).getAsDouble(),
                0.00005,
                "layer " + layer + " head " + head + " [" + q + "][" + k + "]");
          }
        }
      }
    }
    // Defaults: batch 0, layer 0, head 0; the numeric id works as the trace id does.
    JsonObject byId =
        c.getJson("/api/predictions/" + p.get("id").getAsLong() + "/attention").getAsJsonObject();
    assertEquals(
        u8(0, 0, 3, 2) / 255.0,
        byId.getAsJsonArray("weights").get(3).getAsJsonArray().get(2).getAsDouble(),
        0.00005);
  }

  @Test
  void topKMapsFillTheKeptKeysAndLeaveTheRestZero() throws Exception {
    // Per row two entries: key (q + 1) % 4 with 200, and key q with 55; layer 1 head 2 only
    // differs by keeping one entry (the second unused) to check 0xFFFF.
    int k = 2;
    byte[] body = new byte[LAYERS * HEADS * TOKENS * k * 3];
    int i = 0;
    for (int l = 0; l < LAYERS; l++) {
      for (int h = 0; h < HEADS; h++) {
        for (int q = 0; q < TOKENS; q++) {
          body[i++] = (byte) ((q + 1) % TOKENS);
          body[i++] = 0;
          body[i++] = (byte) 200;
          boolean unused = l == 1 && h == 2;
          body[i++] = (byte) (unused ? 0xff : q);
          body[i++] = (byte) (unused ? 0xff : 0);
          body[i++] = (byte) (unused ? 0 : 55);
        }
      }
    }
    String traceId = send("map-topk", body, "topk_u8", (long) k);
    JsonObject m =
        c.getJson("/api/predictions/" + traceId + "/attention?layer=0&head=1").getAsJsonObject();
    assertEquals("topk_u8", m.get("encoding").getAsString());
    assertEquals(k, m.get("top_k").getAsInt());
    JsonArray row1 = m.getAsJsonArray("weights").get(1).getAsJsonArray();
    assertEquals(List.of(0.0, round4(55 / 255.0), round4(200 / 255.0), 0.0), doubles(row1));
    JsonObject last =
        c.getJson("/api/predictions/" + traceId + "/attention?layer=1&head=2").getAsJsonObject();
    assertEquals(
        List.of(round4(200 / 255.0), 0.0, 0.0, 0.0),
        doubles(last.getAsJsonArray("weights").get(3).getAsJsonArray()));
  }

  private static List<Double> doubles(JsonArray a) {
    return a.asList().stream().map(e -> round4(e.getAsDouble())).toList();
  }

  private static double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  @Test
  void theEndpointNamesWhatIsWrong() throws Exception {
    String traceId = send("map-errors", u8Body(), "u8", null);
    String base = "/api/predictions/" + traceId + "/attention";
    assertError(base + "?batch=1", 404, "batch");
    assertError(base + "?layer=2", 400, "layer");
    assertError(base + "?head=3", 400, "head");
    assertError(base + "?head=-1", 400, "head");
    assertError(base + "?layers=1", 400, "layers");
    assertError(base + "?layer=0&layer=1", 400, "layer");
    assertError("/api/predictions/ffffffffffffffffffffffffffffffff/attention", 404, "id");
    assertError("/api/predictions/not-a-trace/attention", 400, "id");
  }

  private static void assertError(String path, int status, String parameter) throws Exception {
    HttpResponse<String> r = c.get(path);
    assertEquals(status, r.statusCode(), path + " -> " + r.body());
    assertEquals(
        parameter,
        JsonParser.parseString(r.body()).getAsJsonObject().get("parameter").getAsString(),
        path);
  }

  /** A map-only record (no span, no snapshot): 1 layer, 1 head, {@code tokens} tokens. */
  private static ExportLogsServiceRequest mapOnly(
      int n, int tokens, String encoding, int topK, byte[] body) {
    LogRecord.Builder log =
        LogRecord.newBuilder()
            .setTraceId(Fixtures.id(Fixtures.traceId(n)))
            .setSpanId(Fixtures.id(Fixtures.spanId(n)))
            .setEventName("headwatch.attention_map")
            .addAttributes(Fixtures.kv("gen_ai.request.model", Fixtures.str("map-only")))
            .addAttributes(
                Fixtures.kv("headwatch.layers", AnyValue.newBuilder().setIntValue(1).build()))
            .addAttributes(
                Fixtures.kv("headwatch.heads", AnyValue.newBuilder().setIntValue(1).build()))
            .addAttributes(
                Fixtures.kv(
                    "headwatch.map.tokens", AnyValue.newBuilder().setIntValue(tokens).build()))
            .addAttributes(Fixtures.kv("headwatch.map.encoding", Fixtures.str(encoding)))
            .setBody(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(body)));
    if (topK > 0) {
      log.addAttributes(
          Fixtures.kv("headwatch.map.top_k", AnyValue.newBuilder().setIntValue(topK).build()));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log)))
        .build();
  }

  @Test
  void aMapOfMoreThan512TokensIsStoredButNotServedAsWeights() throws Exception {
    byte[] body = new byte[513 * 3];
    for (int q = 0; q < 513; q++) {
      body[q * 3] = (byte) 0xff;
      body[q * 3 + 1] = (byte) 0xff;
    }
    HttpResponse<byte[]> r =
        c.post(
            "/v1/logs",
            "application/x-protobuf",
            null,
            mapOnly(88, 513, "topk_u8", 1, body).toByteArray());
    assertEquals(200, r.statusCode(), new String(r.body()));
    String trace = Fixtures.traceId(88);
    TestCollector.await(
        TestCollector.WAIT,
        "the map-only prediction",
        () -> {
          try {
            return c.getJson("/api/predictions/" + trace)
                    .getAsJsonObject()
                    .getAsJsonArray("maps")
                    .size()
                == 1;
          } catch (Exception | AssertionError e) {
            return false;
          }
        });
    assertError("/api/predictions/" + trace + "/attention", 422, "batch");
  }

  @Test
  void aMapBodyOverTheLimitIsRefusedNamingTheSetting() throws Exception {
    LogRecord log =
        LogRecord.newBuilder()
            .setTraceId(Fixtures.id(Fixtures.traceId(77)))
            .setSpanId(Fixtures.id(Fixtures.spanId(77)))
            .setEventName("headwatch.attention_map")
            .addAttributes(Fixtures.kv("gen_ai.request.model", Fixtures.str("big")))
            .addAttributes(
                Fixtures.kv("headwatch.layers", AnyValue.newBuilder().setIntValue(1).build()))
            .addAttributes(
                Fixtures.kv("headwatch.heads", AnyValue.newBuilder().setIntValue(1).build()))
            .addAttributes(
                Fixtures.kv("headwatch.map.tokens", AnyValue.newBuilder().setIntValue(46).build()))
            .addAttributes(Fixtures.kv("headwatch.map.encoding", Fixtures.str("u8")))
            .setBody(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[46 * 46])))
            .build();
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log)))
            .build();
    HttpResponse<byte[]> r =
        c.post("/v1/logs", "application/x-protobuf", null, request.toByteArray());
    assertEquals(400, r.statusCode());
    assertTrue(new String(r.body()).contains("max-attention-map-bytes"), new String(r.body()));
  }
}
