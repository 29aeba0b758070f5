package io.headwatch.collector;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.Map;

/** Hand-built OTLP requests shaped like the agent's spans and snapshot logs. */
final class Fixtures {
  private Fixtures() {}

  static Resource resource(String service, String instance) {
    return Resource.newBuilder()
        .addAttributes(kv("service.name", str(service)))
        .addAttributes(kv("service.instance.id", str(instance)))
        .build();
  }

  static ExportTraceServiceRequest span(
      String traceId,
      String spanId,
      String model,
      long startNanos,
      long durationNanos,
      long inputTokens) {
    Span span =
        Span.newBuilder()
            .setTraceId(id(traceId))
            .setSpanId(id(spanId))
            .setName("embeddings " + model)
            .setStartTimeUnixNano(startNanos)
            .setEndTimeUnixNano(startNanos + durationNanos)
            .addAttributes(kv("gen_ai.request.model", str(model)))
            .addAttributes(kv("gen_ai.operation.name", str("embeddings")))
            .addAttributes(
                kv(
                    "gen_ai.usage.input_tokens",
                    AnyValue.newBuilder().setIntValue(inputTokens).build()))
            .addAttributes(
                kv("headwatch.sampled", AnyValue.newBuilder().setBoolValue(true).build()))
            .addAttributes(kv("headwatch.batch_size", AnyValue.newBuilder().setIntValue(1).build()))
            .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(resource("svc", "i-1"))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
        .build();
  }

  /**
   * A snapshot of a layers x heads model; stats maps statistic short name → values ({@code
   * activation.std} and {@code head.output_norm} name the other attribute families).
   */
  static ExportLogsServiceRequest snapshot(
      String traceId,
      String spanId,
      String model,
      long timeNanos,
      int layers,
      int heads,
      Map<String, double[]> stats) {
    LogRecord.Builder log =
        LogRecord.newBuilder()
            .setTraceId(id(traceId))
            .setSpanId(id(spanId))
            .setTimeUnixNano(timeNanos)
            .setEventName("headwatch.snapshot")
            .addAttributes(kv("gen_ai.request.model", str(model)))
            .addAttributes(kv("gen_ai.operation.name", str("embeddings")))
            .addAttributes(
                kv("gen_ai.usage.input_tokens", AnyValue.newBuilder().setIntValue(7).build()))
            .addAttributes(
                kv("headwatch.batch.index", AnyValue.newBuilder().setIntValue(0).build()))
            .addAttributes(
                kv("headwatch.layers", AnyValue.newBuilder().setIntValue(layers).build()))
            .addAttributes(kv("headwatch.heads", AnyValue.newBuilder().setIntValue(heads).build()))
            .addAttributes(kv("headwatch.activation.site", str("hidden_state")));
    stats.forEach(
        (name, values) ->
            log.addAttributes(
                kv(
                    name.startsWith("activation.") || name.startsWith("head.")
                        ? "headwatch." + name
                        : "headwatch.attention." + name,
                    doubles(values))));
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource("svc", "i-1"))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log)))
        .build();
  }

  static AnyValue doubles(double[] values) {
    ArrayValue.Builder a = ArrayValue.newBuilder();
    for (double v : values) {
      a.addValues(AnyValue.newBuilder().setDoubleValue(v));
    }
    return AnyValue.newBuilder().setArrayValue(a).build();
  }

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  /** A 32-hex-digit trace id made from a number. */
  static String traceId(long n) {
    return String.format("%032x", n + 0x1000);
  }

  /** A 16-hex-digit span id made from a number. */
  static String spanId(long n) {
    return String.format("%016x", n + 0x100);
  }
}
