package io.headwatch.collector.ingest;

import io.headwatch.collector.model.InferenceSpan;
import io.headwatch.collector.otlp.OtlpAttributes;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Picks the agent's inference spans out of a trace export: spans with both {@code
 * gen_ai.request.model} and {@code headwatch.sampled}. Other spans (the application's own) are only
 * forwarded.
 */
public final class SpanParser {
  private static final Set<String> KNOWN =
      Set.of(
          "gen_ai.request.model",
          "gen_ai.operation.name",
          "gen_ai.usage.input_tokens",
          "headwatch.sampled",
          "headwatch.batch_size");

  private SpanParser() {}

  /** An agent inference span: both gen_ai.request.model (a string) and headwatch.sampled. */
  static boolean isInferenceSpan(Span span) {
    boolean model = false;
    boolean sampled = false;
    for (KeyValue kv : span.getAttributesList()) {
      model |= kv.getKey().equals("gen_ai.request.model") && kv.getValue().hasStringValue();
      sampled |= kv.getKey().equals("headwatch.sampled");
    }
    return model && sampled;
  }

  public static List<InferenceSpan> inferenceSpans(ExportTraceServiceRequest request) {
    List<InferenceSpan> out = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      OtlpAttributes resource = OtlpAttributes.of(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          OtlpAttributes a = OtlpAttributes.of(span.getAttributesList());
          if (a.string("gen_ai.request.model") == null
              || !a.has("headwatch.sampled")
              || span.getTraceId().size() != 16
              || span.getSpanId().size() != 8) {
            continue;
          }
          out.add(
              new InferenceSpan(
                  OtlpAttributes.hex(span.getTraceId()),
                  OtlpAttributes.hex(span.getSpanId()),
                  span.getName(),
                  span.getStartTimeUnixNano(),
                  Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano()),
                  resource.string("service.name"),
                  resource.string("service.instance.id"),
                  a.string("gen_ai.request.model"),
                  a.string("gen_ai.operation.name"),
                  a.longValue("gen_ai.usage.input_tokens"),
                  a.bool("headwatch.sampled"),
                  a.longValue("headwatch.batch_size"),
                  status(span),
                  a.scalars(KNOWN)));
        }
      }
    }
    return out;
  }

  private static String status(Span span) {
    return switch (span.getStatus().getCode()) {
      case STATUS_CODE_OK -> "ok";
      case STATUS_CODE_ERROR -> "error";
      default -> "unset";
    };
  }
}
