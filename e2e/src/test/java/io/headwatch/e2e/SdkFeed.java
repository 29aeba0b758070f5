package io.headwatch.e2e;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleArrayKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends predictions to a collector the way the agent does, through the real OpenTelemetry SDK and
 * OTLP/HTTP exporters: an inference span, and inside it a {@code headwatch.snapshot} log record
 * (its trace and span ids come from the current span). For page tests that need chosen values.
 */
final class SdkFeed implements AutoCloseable {
  /**
   * One prediction's content. Arrays are layers x heads (row-major by layer) or per layer. {@code
   * mapU8}, if not null, is sent as its attention maps: a {@code headwatch.attention_map} record in
   * the "u8" encoding over the tokens (layers x heads x n x n bytes).
   */
  record Prediction(
      String model,
      int layers,
      int heads,
      Map<String, double[]> attention,
      Map<String, double[]> activation,
      List<String> tokens,
      Map<String, String> spanAttributes,
      java.time.Instant time,
      byte[] mapU8) {
    /** A prediction made now, without maps. */
    Prediction(
        String model,
        int layers,
        int heads,
        Map<String, double[]> attention,
        Map<String, double[]> activation,
        List<String> tokens,
        Map<String, String> spanAttributes) {
      this(model, layers, heads, attention, activation, tokens, spanAttributes, null, null);
    }

    /** A prediction made at {@code time} (now if null), without maps. */
    Prediction(
        String model,
        int layers,
        int heads,
        Map<String, double[]> attention,
        Map<String, double[]> activation,
        List<String> tokens,
        Map<String, String> spanAttributes,
        java.time.Instant time) {
      this(model, layers, heads, attention, activation, tokens, spanAttributes, time, null);
    }

    /** A prediction made now, with its attention maps. */
    Prediction(
        String model,
        int layers,
        int heads,
        Map<String, double[]> attention,
        Map<String, double[]> activation,
        List<String> tokens,
        Map<String, String> spanAttributes,
        byte[] mapU8) {
      this(model, layers, heads, attention, activation, tokens, spanAttributes, null, mapU8);
    }
  }

  private final SdkTracerProvider tracers;
  private final SdkLoggerProvider loggers;
  private final Tracer tracer;
  private final Logger logger;

  SdkFeed(String otlpEndpoint, String service) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        stringKey("service.name"),
                        service,
                        stringKey("service.instance.id"),
                        service + "-1")));
    tracers =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(
                BatchSpanProcessor.builder(
                        OtlpHttpSpanExporter.builder()
                            .setEndpoint(otlpEndpoint + "/v1/traces")
                            .build())
                    .build())
            .build();
    loggers =
        SdkLoggerProvider.builder()
            .setResource(resource)
            .addLogRecordProcessor(
                BatchLogRecordProcessor.builder(
                        OtlpHttpLogRecordExporter.builder()
                            .setEndpoint(otlpEndpoint + "/v1/logs")
                            .build())
                    .build())
            .build();
    tracer = tracers.get("io.headwatch.e2e.pages");
    logger = loggers.get("io.headwatch.e2e.pages");
  }

  /** Emits one prediction; returns its trace id. */
  String send(Prediction p) {
    Span span =
        tracer
            .spanBuilder("embeddings " + p.model())
            .setAttribute("gen_ai.request.model", p.model())
            .setAttribute("gen_ai.operation.name", "embeddings")
            .setAttribute("gen_ai.usage.input_tokens", (long) p.tokens().size())
            .setAttribute("headwatch.sampled", true)
            .setAttribute("headwatch.batch_size", 1L)
            .startSpan();
    p.spanAttributes().forEach(span::setAttribute);
    try (Scope ignored = span.makeCurrent()) {
      AttributesBuilder a =
          Attributes.builder()
              // The 1.44 SDK has no LogRecord event name; the collector reads this attribute.
              .put(stringKey("event.name"), "headwatch.snapshot")
              .put(stringKey("gen_ai.request.model"), p.model())
              .put(stringKey("gen_ai.operation.name"), "embeddings")
              .put(longKey("gen_ai.usage.input_tokens"), p.tokens().size())
              .put(longKey("headwatch.batch.index"), 0)
              .put(longKey("headwatch.layers"), p.layers())
              .put(longKey("headwatch.heads"), p.heads())
              .put(stringKey("headwatch.activation.site"), "hidden_state")
              .put(longKey("headwatch.input.unknown_tokens"), 0)
              .put(booleanKey("headwatch.test"), true)
              .put(stringArrayKey("headwatch.tokens"), p.tokens());
      // "output_norm" is the head's output norm, its own attribute (headwatch.head.output_norm).
      p.attention()
          .forEach(
              (stat, v) ->
                  a.put(
                      doubleArrayKey(
                          stat.equals("output_norm")
                              ? "headwatch.head.output_norm"
                              : "headwatch.attention." + stat),
                      list(v)));
      p.activation()
          .forEach((stat, v) -> a.put(doubleArrayKey("headwatch.activation." + stat), list(v)));
      var record = logger.logRecordBuilder().setAllAttributes(a.build());
      if (p.time() != null) {
        // When the prediction was made: the head table's "now" is a window of prediction times.
        record.setTimestamp(p.time());
      }
      record.emit();
      if (p.mapU8() != null) {
        logger
            .logRecordBuilder()
            .setAllAttributes(
                Attributes.builder()
                    .put(stringKey("event.name"), "headwatch.attention_map")
                    .put(stringKey("gen_ai.request.model"), p.model())
                    .put(longKey("headwatch.batch.index"), 0)
                    .put(longKey("headwatch.layers"), p.layers())
                    .put(longKey("headwatch.heads"), p.heads())
                    .put(longKey("headwatch.map.tokens"), p.tokens().size())
                    .put(stringKey("headwatch.map.encoding"), "u8")
                    .put(stringKey("headwatch.map.reason"), "unusual")
                    .put(stringArrayKey("headwatch.tokens"), p.tokens())
                    .build())
            .setBody(Value.of(p.mapU8()))
            .emit();
      }
    } finally {
      span.end();
    }
    return span.getSpanContext().getTraceId();
  }

  private static List<Double> list(double[] v) {
    return Arrays.stream(v).boxed().toList();
  }

  /** Sends everything emitted so far; fails if the exporters could not. */
  void flush() {
    if (!tracers.forceFlush().join(60, TimeUnit.SECONDS).isSuccess()
        || !loggers.forceFlush().join(60, TimeUnit.SECONDS).isSuccess()) {
      throw new AssertionError("the OpenTelemetry SDK could not export to the collector");
    }
  }

  @Override
  public void close() {
    tracers.shutdown().join(30, TimeUnit.SECONDS);
    loggers.shutdown().join(30, TimeUnit.SECONDS);
  }
}
