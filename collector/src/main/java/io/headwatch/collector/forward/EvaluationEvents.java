package io.headwatch.collector.forward;

import com.google.protobuf.ByteString;
import io.headwatch.collector.ingest.VerdictSink;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.verdict.Suspect;
import io.headwatch.collector.verdict.Verdict;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Sends each stored verdict upstream as a {@code gen_ai.evaluation.result} log record
 * (OpenTelemetry GenAI semantic conventions), in the context of the inference span it judges, so
 * that a tracing backend shows the verdict on the span. One export request per ingest batch,
 * through the same bounded forward queue as everything else. Attributes (all low cardinality but
 * the explanation):
 *
 * <ul>
 *   <li>{@code gen_ai.evaluation.name}: {@code headwatch.verdict}
 *   <li>{@code gen_ai.evaluation.score.value}: the score, {@code -log10} of the tail probability
 *       (absent when not scored)
 *   <li>{@code gen_ai.evaluation.score.label}: {@code anomalous}, {@code normal} or {@code
 *       not_scored}
 *   <li>{@code gen_ai.evaluation.explanation}: what is blamed, e.g. "model: layer 2 head 5
 *       attention entropy, deviation 12.3"
 *   <li>{@code gen_ai.request.model}, {@code headwatch.verdict.kind}, {@code
 *       headwatch.verdict.status}, {@code headwatch.batch.index}
 * </ul>
 */
public final class EvaluationEvents implements VerdictSink {
  public static final String EVENT_NAME = "gen_ai.evaluation.result";
  public static final String EVALUATION_NAME = "headwatch.verdict";

  private final OtlpForwarder forwarder;
  private final LongSupplier nowNanos;

  public EvaluationEvents(OtlpForwarder forwarder, LongSupplier nowNanos) {
    this.forwarder = forwarder;
    this.nowNanos = nowNanos;
  }

  @Override
  public void stored(List<Judged> judged) {
    byte[] body = request(judged, nowNanos.getAsLong()).toByteArray();
    forwarder.offer("/v1/logs", "application/x-protobuf", null, body);
  }

  /** The export request carrying one record per verdict. */
  static ExportLogsServiceRequest request(List<Judged> judged, long nowNanos) {
    ScopeLogs.Builder scope =
        ScopeLogs.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.headwatch.collector"));
    for (Judged j : judged) {
      scope.addLogRecords(record(j.snapshot(), j.verdict(), nowNanos));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(string("service.name", "headwatch-collector")))
                .addScopeLogs(scope))
        .build();
  }

  static LogRecord record(Snapshot s, Verdict v, long nowNanos) {
    LogRecord.Builder r =
        LogRecord.newBuilder()
            .setEventName(EVENT_NAME)
            .setTimeUnixNano(nowNanos)
            .setObservedTimeUnixNano(nowNanos)
            .setTraceId(id(s.traceId()))
            .setSpanId(id(s.spanId()))
            .addAttributes(string("gen_ai.evaluation.name", EVALUATION_NAME))
            .addAttributes(string("gen_ai.evaluation.score.label", label(v)))
            .addAttributes(string("gen_ai.evaluation.explanation", explanation(v)))
            .addAttributes(string("gen_ai.request.model", s.model()))
            .addAttributes(string("headwatch.verdict.kind", v.kind().apiName()))
            .addAttributes(string("headwatch.verdict.status", v.status().apiName()))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("headwatch.batch.index")
                    .setValue(AnyValue.newBuilder().setIntValue(s.batchIndex())));
    if (Double.isFinite(v.score())) {
      r.addAttributes(
          KeyValue.newBuilder()
              .setKey("gen_ai.evaluation.score.value")
              .setValue(AnyValue.newBuilder().setDoubleValue(v.score())));
    }
    return r.build();
  }

  static String label(Verdict v) {
    if (v.anomalous()) {
      return "anomalous";
    }
    return Double.isNaN(v.score()) ? "not_scored" : "normal";
  }

  /** One line: what is blamed and the strongest evidence. */
  static String explanation(Verdict v) {
    if (!v.anomalous()) {
      return Double.isNaN(v.score())
          ? "not scored: " + v.status().apiName().replace('_', ' ')
          : "nothing unusual";
    }
    StringBuilder out = new StringBuilder(v.kind().apiName()).append(": ");
    if (v.kind() == io.headwatch.collector.verdict.Kind.INPUT && v.input() != null) {
      List<String> facts =
          v.input().facts().stream().filter(f -> f.unusual()).map(f -> f.name()).toList();
      out.append(v.input().comparable() ? "unusual " : "no baseline of this length; unusual ");
      out.append(facts.isEmpty() ? "input" : String.join(", ", facts));
      return out.toString();
    }
    if (v.suspects().isEmpty()) {
      return out.append("no suspect").toString();
    }
    Suspect s = v.suspects().get(0);
    out.append("layer ").append(s.layer());
    if (s.head() >= 0) {
      out.append(" head ").append(s.head());
    }
    out.append(' ').append(s.site().apiName()).append(' ').append(s.statistic());
    if (s.nonFinite()) {
      out.append(" (non-finite values)");
    } else {
      out.append(String.format(Locale.ROOT, ", deviation %.1f", s.deviation()));
    }
    return out.toString();
  }

  private static ByteString id(String hex) {
    return hex == null || hex.isEmpty()
        ? ByteString.EMPTY
        : ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static KeyValue string(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value == null ? "" : value))
        .build();
  }
}
