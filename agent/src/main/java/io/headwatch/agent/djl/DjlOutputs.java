package io.headwatch.agent.djl;

import ai.djl.modality.Classifications;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.TelemetryNames;
import io.headwatch.agent.instrumentation.PredictionScope;
import io.headwatch.agent.stats.OutputStatistics;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.function.Function;

/**
 * What a DJL prediction returned, per input of the batch: classifier statistics for DJL {@code
 * Classifications}, and embedding norms for {@code float[]} results (the output statistics
 * themselves are {@link OutputStatistics}', shared with every engine).
 */
final class DjlOutputs {
  private DjlOutputs() {}

  /** Records the result's output facts, puts the least confident input's on the span. */
  static double[][] record(ModelTelemetry model, Span span, Object result) {
    for (Object item : items(result)) {
      if (item instanceof float[] v) {
        model.recordEmbeddings(v, v.length);
      }
    }
    double[][] classifier = classifierOutputs(result);
    if (classifier == null) {
      return null;
    }
    int lowest = -1;
    for (int i = 0; i < classifier.length; i++) {
      double[] c = classifier[i];
      if (c == null) {
        continue;
      }
      model.recordClassification(
          c[OutputStatistics.TOP1],
          c[OutputStatistics.MARGIN],
          c[OutputStatistics.NORMALIZED_ENTROPY]);
      if (lowest < 0 || c[OutputStatistics.TOP1] < classifier[lowest][OutputStatistics.TOP1]) {
        lowest = i;
      }
    }
    if (lowest >= 0) {
      // The span carries the least confident input of the batch (the only one, usually).
      span.setAttribute(
          TelemetryNames.OUTPUT_CONFIDENCE, classifier[lowest][OutputStatistics.TOP1]);
      span.setAttribute(TelemetryNames.OUTPUT_MARGIN, classifier[lowest][OutputStatistics.MARGIN]);
      span.setAttribute(
          TelemetryNames.OUTPUT_ENTROPY, classifier[lowest][OutputStatistics.NORMALIZED_ENTROPY]);
    }
    return classifier;
  }

  /** Per input: classifier statistics when it is DJL {@code Classifications}, else null. */
  static double[][] classifierOutputs(Object result) {
    return perInput(
        result,
        item -> {
          // Exactly Classifications: subclasses (detected objects, ...) are not one distribution.
          if (item == null || item.getClass() != Classifications.class) {
            return null;
          }
          List<Double> probabilities = ((Classifications) item).getProbabilities();
          if (probabilities == null
              || probabilities.isEmpty()
              || probabilities.size() > 1_000_000) {
            return null;
          }
          float[] p = new float[probabilities.size()];
          for (int c = 0; c < p.length; c++) {
            Double v = probabilities.get(c);
            p[c] = v == null ? Float.NaN : v.floatValue();
          }
          double[] stats = new double[OutputStatistics.COUNT];
          OutputStatistics.fromProbabilities(p, 0, p.length, stats, 0);
          return stats;
        });
  }

  /** Snapshot attributes per sequence: its classifier output and tokenizer facts. */
  static Attributes[] snapshotExtras(double[][] classifier, PredictionScope scope) {
    int n = Math.max(classifier == null ? 0 : classifier.length, scope.tokenizedSequences());
    Attributes[] extras = new Attributes[n];
    for (int i = 0; i < n; i++) {
      var builder = Attributes.builder();
      if (classifier != null && i < classifier.length && classifier[i] != null) {
        builder.put(TelemetryNames.OUTPUT_CONFIDENCE, classifier[i][OutputStatistics.TOP1]);
        builder.put(TelemetryNames.OUTPUT_MARGIN, classifier[i][OutputStatistics.MARGIN]);
        builder.put(
            TelemetryNames.OUTPUT_ENTROPY, classifier[i][OutputStatistics.NORMALIZED_ENTROPY]);
      }
      if (i < scope.tokenizedSequences()) {
        builder.put(TelemetryNames.TRUNCATED, scope.truncated(i) ? 1L : 0L);
        builder.put(TelemetryNames.UNKNOWN_TOKENS, (long) scope.unknownTokens(i));
      }
      extras[i] = builder.build();
    }
    return extras;
  }

  private static List<?> items(Object result) {
    if (!(result instanceof List<?> items)) {
      return List.of();
    }
    return items.subList(0, Math.min(items.size(), PredictionScope.MAX_SEQUENCES));
  }

  /**
   * Applies {@code reduce} to each input's result of a batch (at most {@link
   * PredictionScope#MAX_SEQUENCES}); null when the result is not a list or no item reduced.
   */
  private static double[][] perInput(Object result, Function<Object, double[]> reduce) {
    List<?> items = items(result);
    double[][] out = null;
    for (int i = 0; i < items.size(); i++) {
      double[] reduced = reduce.apply(items.get(i));
      if (reduced != null) {
        if (out == null) {
          out = new double[items.size()][];
        }
        out[i] = reduced;
      }
    }
    return out;
  }
}
