package io.headwatch.collector.ingest;

import io.headwatch.collector.model.AttentionStatistic;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.store.StoredStatistics;
import io.headwatch.collector.verdict.PredictionStatistics;
import java.util.LinkedHashMap;
import java.util.Map;

/** A snapshot as the verdict library takes it. */
final class VerdictInputs {
  static final String TRUNCATED = "headwatch.input.truncated";
  static final String UNKNOWN_TOKENS = "headwatch.input.unknown_tokens";

  private VerdictInputs() {}

  /** True when the snapshot can be judged: it has a shape with heads and attention statistics. */
  static boolean judgeable(Snapshot s) {
    return s.heads() > 0 && !s.attention().isEmpty();
  }

  static PredictionStatistics of(Snapshot s) {
    return of(
        s.layers(),
        s.heads(),
        s.inputTokens(),
        truncated(s.attributes().get(TRUNCATED)),
        s.attributes().get(UNKNOWN_TOKENS) instanceof Long l ? l : null,
        s.attention(),
        s.activation());
  }

  static PredictionStatistics of(StoredStatistics s) {
    return of(
        s.layers(),
        s.heads(),
        s.inputTokens(),
        s.truncated(),
        s.unknownTokens(),
        s.attention(),
        s.activation());
  }

  private static PredictionStatistics of(
      int layers,
      int heads,
      Long tokens,
      Boolean truncated,
      Long unknown,
      Map<String, double[]> perHead,
      Map<String, double[]> activation) {
    Map<String, double[]> attention = new LinkedHashMap<>(perHead);
    double[] outputNorm = attention.remove(AttentionStatistic.OUTPUT_NORM.shortName());
    return new PredictionStatistics(
        layers,
        heads,
        tokens == null || tokens > Integer.MAX_VALUE ? -1 : tokens.intValue(),
        truncated,
        unknown == null || unknown > Integer.MAX_VALUE ? -1 : unknown.intValue(),
        attention,
        outputNorm,
        activation);
  }

  /** {@code headwatch.input.truncated} as sent: 0/1 (long) or a boolean; null otherwise. */
  static Boolean truncated(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Long l) {
      return l != 0;
    }
    return null;
  }
}
