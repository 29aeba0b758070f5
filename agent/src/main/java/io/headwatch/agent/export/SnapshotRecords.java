package io.headwatch.agent.export;

import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.agent.stats.SequenceStatistics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot log records ({@code headwatch.snapshot}), one per kept sequence of a sampled inference,
 * linked to its inference span: per-head attention statistics and output norms as arrays of {@code
 * layers x heads} values, row-major by layer, and per-layer activation statistics as arrays of
 * {@code layers} values. Missing values are NaN. A capture that could not be completed gets a
 * record with {@code headwatch.capture.status=dropped} and the reason instead, so that the
 * collector never shows a sampled prediction as captured when it was not.
 */
public final class SnapshotRecords {
  private static final AttributeKey<List<Double>>[] ATTENTION_KEYS = attentionKeys();
  private static final AttributeKey<List<Double>> HEAD_OUTPUT_NORM =
      AttributeKey.doubleArrayKey("headwatch.head.output_norm");
  private static final String[] ACTIVATION_NAMES = {
    "mean", "std", "abs_max", "nonfinite", "zero_fraction", "outlier_fraction", "massive"
  };
  private static final AttributeKey<List<Double>>[] ACTIVATION_KEYS = activationKeys();

  private SnapshotRecords() {}

  @SuppressWarnings("unchecked")
  private static AttributeKey<List<Double>>[] attentionKeys() {
    AttributeKey<List<Double>>[] keys = new AttributeKey[AttentionStatistics.COUNT];
    for (int s = 0; s < keys.length; s++) {
      keys[s] = AttributeKey.doubleArrayKey("headwatch.attention." + AttentionStatistics.name(s));
    }
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static AttributeKey<List<Double>>[] activationKeys() {
    AttributeKey<List<Double>>[] keys = new AttributeKey[SequenceStatistics.ACTIVATION_FIELDS];
    for (int f = 0; f < keys.length; f++) {
      keys[f] = AttributeKey.doubleArrayKey("headwatch.activation." + ACTIVATION_NAMES[f]);
    }
    return keys;
  }

  /**
   * Emits one sequence's snapshot.
   *
   * @param tokens the sequence's token texts (token capture on), or null
   * @param extra further attributes (classifier output, tokenizer facts), or null
   */
  public static void emit(
      ModelTelemetry model,
      SpanContext span,
      SequenceStatistics s,
      List<String> tokens,
      Attributes extra) {
    LogRecordBuilder record =
        model
            .snapshot(span)
            .setAttribute(TelemetryNames.CAPTURE_STATUS, TelemetryNames.CAPTURED)
            .setAttribute(TelemetryNames.BATCH_INDEX, (long) s.batchIndex())
            .setAttribute(TelemetryNames.LAYERS, (long) s.layers())
            .setAttribute(TelemetryNames.HEADS, (long) s.heads())
            .setAttribute(TelemetryNames.ACTIVATION_SITE, TelemetryNames.SITE_HIDDEN_STATE);
    if (s.tokens() >= 0) {
      record.setAttribute(TelemetryNames.INPUT_TOKENS, (long) s.tokens());
    }
    for (int stat = 0; stat < AttentionStatistics.COUNT; stat++) {
      double[] values = s.attentionStatistic(stat);
      if (values != null) {
        record.setAttribute(ATTENTION_KEYS[stat], boxed(values));
      }
    }
    double[] norms = s.headOutputNorms();
    if (norms != null && anyFiniteOrNaNFree(norms)) {
      record.setAttribute(HEAD_OUTPUT_NORM, boxed(norms));
    }
    if (tokens != null) {
      record.setAttribute(TelemetryNames.TOKENS, tokens);
    }
    if (extra != null) {
      record.setAllAttributes(extra);
    }
    for (int f = 0; f < SequenceStatistics.ACTIVATION_FIELDS; f++) {
      record.setAttribute(ACTIVATION_KEYS[f], boxed(s.activation(f)));
    }
    record.emit();
  }

  /** Says that a sampled inference's capture was dropped, and why. */
  public static void emitDropped(ModelTelemetry model, SpanContext span, String reason) {
    model
        .snapshot(span)
        .setAttribute(TelemetryNames.CAPTURE_STATUS, TelemetryNames.DROPPED)
        .setAttribute(TelemetryNames.CAPTURE_DROP_REASON, reason)
        .emit();
  }

  /** Whether the array holds anything but NaN (a model whose head outputs were not captured). */
  private static boolean anyFiniteOrNaNFree(double[] values) {
    for (double v : values) {
      if (!Double.isNaN(v)) {
        return true;
      }
    }
    return false;
  }

  private static List<Double> boxed(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return list;
  }
}
