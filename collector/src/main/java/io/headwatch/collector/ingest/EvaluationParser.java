package io.headwatch.collector.ingest;

import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.otlp.OtlpAttributes;
import io.headwatch.collector.store.WriteBatch;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads an application's outcomes from OpenTelemetry GenAI evaluation events: a {@code
 * gen_ai.evaluation.result} log record in the prediction's trace whose {@code
 * gen_ai.evaluation.name} is the configured one ({@code feedback-evaluation-name}) becomes a
 * wrong/right label for every prediction of that trace, by {@code otel}. The collector's own
 * verdict records ({@value #VERDICT_NAME}) are never read as feedback.
 */
public final class EvaluationParser {
  /** The event name of the GenAI semantic conventions' evaluation result. */
  public static final String EVENT_NAME = "gen_ai.evaluation.result";

  /** The evaluation name of the collector's own verdict records (docs/telemetry.md). */
  public static final String VERDICT_NAME = "headwatch.verdict";

  /** Score labels read as "wrong" (compared in lower case). */
  public static final Set<String> WRONG =
      Set.of("wrong", "incorrect", "fail", "failed", "failure", "bad", "false", "no");

  /** Score labels read as "right" (compared in lower case). */
  public static final Set<String> RIGHT =
      Set.of("right", "correct", "pass", "passed", "success", "good", "true", "yes");

  private EvaluationParser() {}

  /**
   * @param feedback one write per usable record, in order
   * @param unusable records with the configured name that carry no trace id or an unknown label
   */
  public record Result(List<WriteBatch.FeedbackWrite> feedback, int unusable) {}

  public static Result feedback(
      ExportLogsServiceRequest request, String evaluationName, long receivedMillis) {
    List<WriteBatch.FeedbackWrite> out = new ArrayList<>();
    int unusable = 0;
    if (evaluationName.isEmpty() || evaluationName.equals(VERDICT_NAME)) {
      return new Result(out, 0);
    }
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          if (!isEvaluation(log)) {
            continue;
          }
          OtlpAttributes a = OtlpAttributes.of(log.getAttributesList());
          if (!evaluationName.equals(a.string("gen_ai.evaluation.name"))) {
            continue;
          }
          Feedback.Label label = label(a.string("gen_ai.evaluation.score.label"));
          if (label == null || log.getTraceId().size() != 16 || allZero(log)) {
            unusable++;
            continue;
          }
          String note = a.string("gen_ai.evaluation.explanation");
          if (note != null && note.length() > Feedback.MAX_NOTE) {
            note = note.substring(0, Feedback.MAX_NOTE);
          }
          out.add(
              new WriteBatch.FeedbackWrite(
                  OtlpAttributes.hex(log.getTraceId()),
                  null,
                  new Feedback(label, note, "otel", "otel", receivedMillis)));
        }
      }
    }
    return new Result(out, unusable);
  }

  /** The label a score label names, or null. */
  static Feedback.Label label(String scoreLabel) {
    if (scoreLabel == null) {
      return null;
    }
    String l = scoreLabel.trim().toLowerCase(Locale.ROOT);
    if (WRONG.contains(l)) {
      return Feedback.Label.WRONG;
    }
    if (RIGHT.contains(l)) {
      return Feedback.Label.RIGHT;
    }
    return null;
  }

  private static boolean isEvaluation(LogRecord log) {
    if (EVENT_NAME.equals(log.getEventName())) {
      return true;
    }
    for (KeyValue kv : log.getAttributesList()) {
      if (kv.getKey().equals("event.name") && EVENT_NAME.equals(kv.getValue().getStringValue())) {
        return true;
      }
    }
    return false;
  }

  private static boolean allZero(LogRecord log) {
    for (byte b : log.getTraceId().toByteArray()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
