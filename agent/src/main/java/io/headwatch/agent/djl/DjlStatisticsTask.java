package io.headwatch.agent.djl;

import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.SnapshotBuilder;
import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.agent.util.AgentLog;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Arrays;
import java.util.List;

/**
 * On the worker thread: reduces the attention probabilities copied from a sampled DJL prediction to
 * per-head statistics, records them, and emits one snapshot per sequence (at most the configured
 * number), linked to the prediction's span.
 */
final class DjlStatisticsTask implements Runnable {
  private final ModelTelemetry telemetry;
  private final SpanContext span;
  private final List<CapturedAttention> attention;
  private final int[] tokens;
  private final List<List<String>> tokenTexts;
  private final Attributes[] extras;
  private final int maxSnapshots;

  DjlStatisticsTask(
      ModelTelemetry telemetry,
      SpanContext span,
      List<CapturedAttention> attention,
      int[] tokens,
      List<List<String>> tokenTexts,
      Attributes[] extras,
      int maxSnapshots) {
    this.telemetry = telemetry;
    this.span = span;
    this.attention = attention;
    this.tokens = tokens;
    this.tokenTexts = tokenTexts;
    this.extras = extras;
    this.maxSnapshots = maxSnapshots;
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    try {
      reduce();
    } catch (Throwable t) {
      telemetry.agent().recordDropped("capture_error");
      AgentLog.warnOnce(
          "djl-statistics-" + t.getClass().getName(),
          "statistics of a sampled DJL prediction of model " + telemetry.model() + " failed",
          t);
    }
    telemetry.recordStatisticsOverhead(System.nanoTime() - start);
  }

  private void reduce() {
    int layers = 0;
    int batch = 0;
    for (CapturedAttention a : attention) {
      layers = Math.max(layers, a.layer + 1);
      batch = Math.max(batch, a.batch);
    }
    SnapshotBuilder[] builders = new SnapshotBuilder[Math.min(maxSnapshots, batch)];
    for (CapturedAttention a : attention) {
      double[] out = new double[a.heads * AttentionStatistics.COUNT];
      for (int b = 0; b < a.batch; b++) {
        boolean[] valid = validPositions(b, a.length);
        int offset = b * a.heads * a.length * a.length;
        if (AttentionStatistics.compute(a.values, offset, a.heads, a.length, valid, out) == 0) {
          continue;
        }
        telemetry.recordAttentionLayer(layers, a.layer, a.heads, out);
        if (b < builders.length) {
          if (builders[b] == null) {
            builders[b] = new SnapshotBuilder(b, layers);
          }
          builders[b].attention(a.layer, a.heads, out);
        }
      }
    }
    for (int b = 0; b < builders.length; b++) {
      if (builders[b] == null) {
        continue;
      }
      if (tokenTexts != null && b < tokenTexts.size()) {
        builders[b].tokens(tokenTexts.get(b));
      }
      if (extras != null && b < extras.length) {
        builders[b].extra(extras[b]);
      }
      builders[b].emit(telemetry.snapshot(span), b < tokens.length ? tokens[b] : -1);
    }
  }

  /**
   * Valid positions of sequence {@code b}: the tokenizer's (or engine's) valid token count, padding
   * assumed on the right as DJL's batchifiers and the HuggingFace tokenizer pad; all positions when
   * no count is known.
   */
  private boolean[] validPositions(int b, int length) {
    boolean[] valid = new boolean[length];
    int n = b < tokens.length ? tokens[b] : length;
    if (n <= 0 || n > length) {
      n = length;
    }
    Arrays.fill(valid, 0, n, true);
    return valid;
  }
}
