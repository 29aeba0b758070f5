package io.headwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.sampling.AdaptiveSampler;
import io.headwatch.agent.stats.ActivationStatistics;
import io.headwatch.agent.stats.ActivationSummary;
import io.headwatch.agent.stats.AttentionStatistics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * How many Prometheus series one JVM with one 12-layer, 12-head model exposes, per attention mode,
 * counted the way the OTLP→Prometheus translation expands them: a histogram point is its buckets,
 * {@code +Inf}, sum and count; a counter or gauge point is one series. Every family the agent
 * records is exercised (inference, tokens, agent cost, drops, attention, activations, outputs,
 * tokenizer facts, sampling gauges), as a DJL classifier would, the widest case. The figures go to
 * docs/telemetry.md ("Series per JVM"); the default must stay at most 1,000.
 */
class SeriesCountTest {
  private static final int LAYERS = 12;
  private static final int HEADS = 12;

  static int series(String mode) {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .build()) {
      AgentTelemetry agent = AgentTelemetry.of(sdk);
      ModelTelemetry model =
          new ModelTelemetry(
              agent,
              "bert-base",
              "classification",
              TelemetryNames.PROVIDER_DJL,
              new AdaptiveSampler(1.0, 0.02, 0),
              new AttentionSeries(mode, 4, 1024));
      java.util.Random random = new java.util.Random(1);
      // Enough sequences for top_k's warm-up to pass and its heads to be chosen.
      for (int sequence = 0; sequence < 40; sequence++) {
        Span span = model.startInferenceSpan(0, 1, true);
        model.endInference(span, 0, 5_000_000, new int[] {24}, true, null, true);
        model.recordInferenceThreadOverhead(10_000);
        model.recordCaptureRunOverhead(10_000);
        model.recordStatisticsOverhead(10_000);
        model.recordTokenizerSequence(false, 0);
        model.recordClassification(0.9, 0.5, 0.2);
        model.recordEmbedding(1.0, 0);
        for (int layer = 0; layer < LAYERS; layer++) {
          double[] stats = new double[HEADS * AttentionStatistics.COUNT];
          for (int i = 0; i < stats.length; i++) {
            stats[i] = random.nextDouble();
          }
          model.recordAttentionLayer(LAYERS, layer, HEADS, stats);
          ActivationSummary summary = new ActivationSummary();
          new ActivationStatistics()
              .summarize(
                  new float[] {1f, -2f, 7f, 0f}, 0, 2, 2, new boolean[] {true, true}, summary);
          model.recordActivation(layer, summary);
        }
        model.recordAttentionSequence();
      }
      agent.recordDropped("queue_full");
      agent.recordDropped("shutdown");
      int series = 1; // target_info
      Map<String, Integer> byMetric = new TreeMap<>();
      for (MetricData m : reader.collectAllMetrics()) {
        int n = 0;
        switch (m.getType()) {
          case HISTOGRAM:
            for (var p : m.getHistogramData().getPoints()) {
              n += p.getBoundaries().size() + 1 + 2;
            }
            break;
          case DOUBLE_SUM:
            n += m.getDoubleSumData().getPoints().size();
            break;
          case LONG_SUM:
            n += m.getLongSumData().getPoints().size();
            break;
          case DOUBLE_GAUGE:
            n += m.getDoubleGaugeData().getPoints().size();
            break;
          case LONG_GAUGE:
            n += m.getLongGaugeData().getPoints().size();
            break;
          default:
            throw new AssertionError("unexpected metric type " + m.getType());
        }
        byMetric.put(m.getName(), n);
        series += n;
      }
      System.out.println("[series] mode " + mode + ": " + series + " " + byMetric);
      return series;
    }
  }

  @Test
  void defaultModeStaysWithinAThousandSeriesPerJvm() {
    int defaults = series("auto");
    assertTrue(defaults <= 1000, defaults + " series with the default settings");
    // The other modes, for the table in docs/telemetry.md (printed; bounded loosely here).
    assertTrue(series("layer") < defaults);
    assertTrue(series("top_k") <= series("head_histogram"));
  }
}
