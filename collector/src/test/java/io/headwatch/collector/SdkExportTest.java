package io.headwatch.collector;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleArrayKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real OpenTelemetry Java SDK exporters send to the collector; the values sent come back at
 * /metrics and in the API. The SDK's metric exporter speaks OTLP/JSON only through its
 * package-private exportAsJson(), reached here by reflection; spans and logs in JSON are hand-built
 * per the OTLP/JSON spec (hex ids) and posted with java.net.http.
 */
class SdkExportTest {
  private static final Duration WAIT = TestCollector.WAIT;
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

  private static Resource resource() {
    return Resource.getDefault()
        .merge(
            Resource.create(
                Attributes.of(
                    stringKey("service.name"), "svc", stringKey("service.instance.id"), "i-1")));
  }

  @ParameterizedTest
  @CsvSource({"protobuf,none", "protobuf,gzip", "json,none", "json,gzip"})
  void metricsArriveAtPrometheusWithTheValuesSent(String format, String compression)
      throws Exception {
    String model = "m-" + format + "-" + compression;
    OtlpHttpMetricExporterBuilder b =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(c.otlp("/v1/metrics"))
            .setCompression(compression)
            .setTimeout(TestCollector.WAIT);
    if (format.equals("json")) {
      Method json = OtlpHttpMetricExporterBuilder.class.getDeclaredMethod("exportAsJson");
      json.setAccessible(true);
      json.invoke(b);
    }
    PeriodicMetricReader reader =
        PeriodicMetricReader.builder(b.build()).setInterval(Duration.ofHours(1)).build();
    SdkMeterProvider provider =
        SdkMeterProvider.builder().setResource(resource()).registerMetricReader(reader).build();
    Meter meter = provider.get("io.headwatch.test");
    Attributes modelOp =
        Attributes.of(
            stringKey("gen_ai.request.model"),
            model,
            stringKey("gen_ai.operation.name"),
            "embeddings");
    DoubleHistogram duration =
        meter
            .histogramBuilder("headwatch.inference.duration")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 1.0))
            .build();
    for (double v : new double[] {0.05, 0.2, 0.3, 2.0}) {
      duration.record(v, modelOp);
    }
    meter
        .histogramBuilder("headwatch.attention.entropy")
        .setUnit("1")
        .setExplicitBucketBoundariesAdvice(List.of(0.25, 0.5, 0.75))
        .build()
        .record(
            0.625,
            Attributes.of(
                stringKey("gen_ai.request.model"),
                model,
                longKey("headwatch.layer"),
                3L,
                longKey("headwatch.head"),
                7L));
    meter
        .counterBuilder("headwatch.agent.inferences")
        .setUnit("{inference}")
        .build()
        .add(
            5,
            Attributes.of(
                stringKey("gen_ai.request.model"), model, booleanKey("headwatch.sampled"), true));
    meter
        .gaugeBuilder("headwatch.test.level")
        .setUnit("1")
        .build()
        .set(0.25, Attributes.of(stringKey("gen_ai.request.model"), model));
    assertTrue(
        provider.forceFlush().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS).isSuccess());
    provider.shutdown().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);

    String job = "instance=\"i-1\",job=\"svc\"";
    String d = "headwatch_inference_duration_seconds";
    String l = "gen_ai_operation_name=\"embeddings\",gen_ai_request_model=\"" + model + "\"," + job;
    TestCollector.await(WAIT, model + " at /metrics", () -> has(d + "_count{" + l + "}"));
    Map<String, Double> m = c.metrics();
    assertEquals(1.0, m.get(d + "_bucket{" + l + ",le=\"0.1\"}"));
    assertEquals(3.0, m.get(d + "_bucket{" + l + ",le=\"0.5\"}"));
    assertEquals(3.0, m.get(d + "_bucket{" + l + ",le=\"1.0\"}"));
    assertEquals(4.0, m.get(d + "_bucket{" + l + ",le=\"+Inf\"}"));
    assertEquals(2.55, m.get(d + "_sum{" + l + "}"), 1e-9);
    assertEquals(4.0, m.get(d + "_count{" + l + "}"));
    String e =
        "gen_ai_request_model=\"" + model + "\",headwatch_head=\"7\",headwatch_layer=\"3\"," + job;
    assertEquals(0.0, m.get("headwatch_attention_entropy_bucket{" + e + ",le=\"0.5\"}"));
    assertEquals(1.0, m.get("headwatch_attention_entropy_bucket{" + e + ",le=\"0.75\"}"));
    assertEquals(0.625, m.get("headwatch_attention_entropy_sum{" + e + "}"));
    assertEquals(
        5.0,
        m.get(
            "headwatch_agent_inferences_total{gen_ai_request_model=\""
                + model
                + "\",headwatch_sampled=\"true\","
                + job
                + "}"));
    assertEquals(
        0.25,
        m.get("headwatch_test_level_ratio{gen_ai_request_model=\"" + model + "\"," + job + "}"));
  }

  @ParameterizedTest
  @CsvSource({"none", "gzip"})
  void sdkSpansAndSnapshotLogsBecomeOnePrediction(String compression) throws Exception {
    String model = "sdk-model-" + compression;
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(resource())
            .addSpanProcessor(
                SimpleSpanProcessor.create(
                    OtlpHttpSpanExporter.builder()
                        .setEndpoint(c.otlp("/v1/traces"))
                        .setCompression(compression)
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
                        .setCompression(compression)
                        .setTimeout(TestCollector.WAIT)
                        .build()))
            .build();
    long start = 1_700_000_000_000_000_000L;
    Span span =
        tracing
            .get("io.headwatch.test")
            .spanBuilder("embeddings " + model)
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .setAttribute(stringKey("gen_ai.request.model"), model)
            .setAttribute(stringKey("gen_ai.operation.name"), "embeddings")
            .setAttribute(longKey("gen_ai.usage.input_tokens"), 11L)
            .setAttribute(booleanKey("headwatch.sampled"), true)
            .setAttribute(longKey("headwatch.batch_size"), 1L)
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      logging
          .get("io.headwatch.test")
          .logRecordBuilder()
          .setEventName("headwatch.snapshot")
          .setTimestamp(start + 1_000, TimeUnit.NANOSECONDS)
          .setAttribute(stringKey("gen_ai.request.model"), model)
          .setAttribute(stringKey("gen_ai.operation.name"), "embeddings")
          .setAttribute(longKey("gen_ai.usage.input_tokens"), 11L)
          .setAttribute(longKey("headwatch.batch.index"), 0L)
          .setAttribute(longKey("headwatch.layers"), 2L)
          .setAttribute(longKey("headwatch.heads"), 2L)
          .setAttribute(
              doubleArrayKey("headwatch.attention.entropy"), List.of(0.5, 0.25, 0.125, 1.0))
          .setAttribute(
              doubleArrayKey("headwatch.attention.sink_mass"), List.of(0.1, 0.2, 0.3, 0.4))
          .setAttribute(doubleArrayKey("headwatch.activation.std"), List.of(1.5, 2.5))
          .setAttribute(stringKey("headwatch.activation.site"), "hidden_state")
          .setAttribute(doubleArrayKey("headwatch.attention.maps"), List.of(0.75, 0.25, 0.5, 0.5))
          .setAttribute(stringArrayKey("headwatch.tokens"), List.of("[CLS]", "hello"))
          .setAttribute(doubleKey("headwatch.output.confidence"), 0.875)
          .emit();
    }
    span.setStatus(StatusCode.ERROR);
    span.setAttribute(stringKey("error.type"), "ai.onnxruntime.OrtException");
    span.end(start + 12_345_678, TimeUnit.NANOSECONDS);
    tracing.forceFlush().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
    logging.forceFlush().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
    tracing.shutdown().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
    logging.shutdown().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);

    String traceId = span.getSpanContext().getTraceId();
    JsonObject p = awaitPrediction(traceId);
    assertEquals(model, p.get("model").getAsString());
    assertEquals("embeddings " + model, p.get("name").getAsString());
    assertEquals(span.getSpanContext().getSpanId(), p.get("span_id").getAsString());
    assertEquals("svc", p.get("service").getAsString());
    assertEquals("i-1", p.get("instance").getAsString());
    assertEquals(11, p.get("input_tokens").getAsLong());
    assertEquals(0.012345678, p.get("duration_seconds").getAsDouble(), 1e-12);
    assertEquals(2, p.get("layers").getAsInt());
    JsonObject snap = p.getAsJsonArray("snapshots").get(0).getAsJsonObject();
    JsonObject attention = snap.getAsJsonObject("statistics").getAsJsonObject("attention");
    assertEquals(doubles(0.5, 0.25, 0.125, 1.0), attention.get("entropy"));
    assertEquals(doubles(0.1, 0.2, 0.3, 0.4), attention.get("sink_mass"));
    assertEquals(
        doubles(1.5, 2.5),
        snap.getAsJsonObject("statistics").getAsJsonObject("activation").get("std"));
    assertEquals("doubles", snap.getAsJsonObject("attention_maps").get("encoding").getAsString());
    assertEquals(doubles(0.75, 0.25, 0.5, 0.5), snap.getAsJsonObject("attention_maps").get("data"));
    assertEquals("[\"[CLS]\",\"hello\"]", snap.get("tokens").toString());
    assertEquals(
        0.875, snap.getAsJsonObject("attributes").get("headwatch.output.confidence").getAsDouble());
    assertEquals("error", p.get("status").getAsString());
    assertEquals(
        "ai.onnxruntime.OrtException",
        p.getAsJsonObject("attributes").get("error.type").getAsString());
  }

  @ParameterizedTest
  @CsvSource({"none", "gzip"})
  void otlpJsonWithHexIdsInEitherOrder(String compression) throws Exception {
    boolean gzip = compression.equals("gzip");
    String traceId = gzip ? "5b8efff798038103d269b633813fc60c" : "0af7651916cd43dd8448eb211c80319c";
    String spanId = gzip ? "eee19b7ec3c1b174" : "b7ad6b7169203331";
    String model = "json-model-" + compression;
    String resource =
        "{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}},"
            + "{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"i-2\"}}]}";
    String log =
        "{\"resourceLogs\":[{\"resource\":"
            + resource
            + ",\"scopeLogs\":[{\"logRecords\":[{"
            + "\"timeUnixNano\":\"1700000000100000000\",\"traceId\":\""
            + traceId
            + "\",\"spanId\":\""
            + spanId
            + "\",\"attributes\":["
            + "{\"key\":\"event.name\",\"value\":{\"stringValue\":\"headwatch.snapshot\"}},"
            + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\""
            + model
            + "\"}},"
            + "{\"key\":\"headwatch.layers\",\"value\":{\"intValue\":\"1\"}},"
            + "{\"key\":\"headwatch.heads\",\"value\":{\"intValue\":2}},"
            + "{\"key\":\"headwatch.attention.entropy\",\"value\":{\"arrayValue\":{\"values\":"
            + "[{\"doubleValue\":0.25},{\"doubleValue\":0.75}]}}},"
            + "{\"key\":\"headwatch.attention.maps\",\"value\":{\"bytesValue\":\"AAEC\"}}]}]}]}]}";
    String trace =
        "{\"resourceSpans\":[{\"resource\":"
            + resource
            + ",\"scopeSpans\":[{\"spans\":[{"
            + "\"traceId\":\""
            + traceId
            + "\",\"spanId\":\""
            + spanId
            + "\",\"name\":\"embeddings "
            + model
            + "\",\"kind\":1,\"startTimeUnixNano\":\"1700000000000000000\","
            + "\"endTimeUnixNano\":\"1700000000250000000\",\"attributes\":["
            + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\""
            + model
            + "\"}},"
            + "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"embeddings\"}},"
            + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"9\"}},"
            + "{\"key\":\"headwatch.sampled\",\"value\":{\"boolValue\":true}}]}]}]}]}";

    // The snapshot first, then its span: they meet in the store either way.
    HttpResponse<byte[]> r =
        c.post("/v1/logs", "application/json", gzip ? "gzip" : null, body(log, gzip));
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals("{}", new String(r.body(), StandardCharsets.UTF_8));
    r = c.post("/v1/traces", "application/json", gzip ? "gzip" : null, body(trace, gzip));
    assertEquals(200, r.statusCode());

    TestCollector.await(
        WAIT,
        "span joined",
        () -> {
          try {
            return awaitPrediction(traceId).get("has_span").getAsBoolean();
          } catch (Exception e) {
            return false;
          }
        });
    JsonObject p = awaitPrediction(traceId);
    assertEquals(spanId, p.get("span_id").getAsString());
    assertEquals("i-2", p.get("instance").getAsString());
    assertEquals(9, p.get("input_tokens").getAsLong());
    assertEquals(0.25, p.get("duration_seconds").getAsDouble(), 1e-12);
    assertEquals("2023-11-14T22:13:20Z", p.get("time").getAsString());
    JsonObject snap = p.getAsJsonArray("snapshots").get(0).getAsJsonObject();
    assertEquals(
        doubles(0.25, 0.75),
        snap.getAsJsonObject("statistics").getAsJsonObject("attention").get("entropy"));
    assertEquals("AAEC", snap.getAsJsonObject("attention_maps").get("data").getAsString());
  }

  @org.junit.jupiter.api.Test
  void protobufResponsesAreExportResponses() throws Exception {
    var request =
        Fixtures.snapshot(
            Fixtures.traceId(999),
            Fixtures.spanId(999),
            "proto-model",
            1_700_000_000_000_000_000L,
            1,
            1,
            Map.of("entropy", new double[] {0.5}));
    HttpResponse<byte[]> r =
        c.post("/v1/logs", "application/x-protobuf", null, request.toByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("application/x-protobuf", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals(
        ExportLogsServiceResponse.getDefaultInstance(),
        ExportLogsServiceResponse.parseFrom(r.body()));
  }

  private static byte[] body(String json, boolean gzip) throws Exception {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return gzip ? TestCollector.gzip(b) : b;
  }

  private static JsonArray doubles(double... v) {
    JsonArray a = new JsonArray();
    for (double d : v) {
      a.add(d);
    }
    return a;
  }

  private static boolean has(String series) {
    try {
      return c.metrics().containsKey(series);
    } catch (Exception e) {
      return false;
    }
  }

  private static JsonObject awaitPrediction(String traceId) throws Exception {
    TestCollector.await(
        WAIT,
        "prediction " + traceId,
        () -> {
          try {
            return c.get("/api/predictions/" + traceId).statusCode() == 200;
          } catch (Exception e) {
            return false;
          }
        });
    return c.getJson("/api/predictions/" + traceId).getAsJsonObject();
  }
}
