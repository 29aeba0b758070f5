package io.headwatch.agent.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.export.AgentTelemetry;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.TelemetryNames;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attention copied from DJL blocks becomes metrics and snapshots, with hand-computed values. */
class DjlStatisticsTaskTest {
  private InMemoryMetricReader metrics;
  private InMemoryLogRecordExporter logs;
  private InMemorySpanExporter spans;
  private OpenTelemetrySdk sdk;
  private ModelTelemetry telemetry;

  @BeforeEach
  void setUp() {
    metrics = InMemoryMetricReader.create();
    logs = InMemoryLogRecordExporter.create();
    spans = InMemorySpanExporter.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setLoggerProvider(
                SdkLoggerProvider.builder()
                    .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs))
                    .build())
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    telemetry = new ModelTelemetry(AgentTelemetry.of(sdk), "tiny", "inference");
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  @Test
  void perHeadStatisticsPerSequenceWithRightPadding() {
    // batch 2, heads 2, length 3. Sequence 0: head 0 uniform, head 1 one-hot on key 0.
    // Sequence 1 has 2 valid tokens (one padding position): rows over its 2 valid keys.
    float t = 1f / 3;
    float[] values = {
      t, t, t, t, t, t, t, t, t, // b0 h0
      1, 0, 0, 1, 0, 0, 1, 0, 0, // b0 h1
      0.5f, 0.5f, 0, 0.5f, 0.5f, 0, 9, 9, 9, // b1 h0 (padded row: garbage, never read)
      0.25f, 0.75f, 0, 0.25f, 0.75f, 0, 9, 9, 9
    }; // b1 h1
    CapturedAttention layer = new CapturedAttention(0, 2, 2, 3, values);
    Span span = telemetry.startInferenceSpan(0, 2, true);
    Attributes extra = Attributes.of(TelemetryNames.OUTPUT_CONFIDENCE, 0.9);
    DjlStatisticsTask task =
        new DjlStatisticsTask(
            telemetry,
            span.getSpanContext(),
            List.of(layer),
            new int[] {3, 2},
            List.of(List.of("[CLS]", "hi", "[SEP]")),
            new Attributes[] {extra},
            4);
    task.run();
    telemetry.endInference(span, 0, 1_000_000, new int[] {3, 2}, true, null);

    List<LogRecordData> snapshots = logs.getFinishedLogRecordItems();
    assertEquals(2, snapshots.size());
    LogRecordData s0 = snapshots.get(0);
    assertEquals(span.getSpanContext().getSpanId(), s0.getSpanContext().getSpanId());
    List<Double> entropy0 =
        s0.getAttributes().get(AttributeKey.doubleArrayKey("headwatch.attention.entropy"));
    assertEquals(1.0, entropy0.get(0), 1e-7, "uniform rows (of floats)");
    assertEquals(0.0, entropy0.get(1), 1e-9, "one-hot rows");
    List<Double> sink0 =
        s0.getAttributes().get(AttributeKey.doubleArrayKey("headwatch.attention.sink_mass"));
    assertEquals(1.0 / 3, sink0.get(0), 1e-7);
    assertEquals(1.0, sink0.get(1), 1e-9);
    assertEquals(List.of("[CLS]", "hi", "[SEP]"), s0.getAttributes().get(TelemetryNames.TOKENS));
    assertEquals(0.9, s0.getAttributes().get(TelemetryNames.OUTPUT_CONFIDENCE));
    assertEquals(3L, s0.getAttributes().get(TelemetryNames.INPUT_TOKENS));

    LogRecordData s1 = snapshots.get(1);
    List<Double> entropy1 =
        s1.getAttributes().get(AttributeKey.doubleArrayKey("headwatch.attention.entropy"));
    List<Double> max1 =
        s1.getAttributes().get(AttributeKey.doubleArrayKey("headwatch.attention.max_weight"));
    assertEquals(1.0, entropy1.get(0), 1e-9, "uniform over the 2 valid keys");
    double h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)) / Math.log(2);
    assertEquals(h, entropy1.get(1), 1e-6);
    assertEquals(0.75, max1.get(1), 1e-7);
    assertEquals(2L, s1.getAttributes().get(TelemetryNames.INPUT_TOKENS));
    assertEquals(null, s1.getAttributes().get(TelemetryNames.TOKENS), "texts only where kept");

    // Metrics: one value per sequence and head.
    long entropyPoints = 0;
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getName().equals("headwatch.attention.entropy")) {
        for (HistogramPointData p : metric.getHistogramData().getPoints()) {
          entropyPoints += p.getCount();
          assertEquals("tiny", p.getAttributes().get(TelemetryNames.MODEL));
        }
      }
    }
    assertEquals(4, entropyPoints);
    List<SpanData> ended = spans.getFinishedSpanItems();
    assertEquals(1, ended.size());
    assertEquals(5L, ended.get(0).getAttributes().get(TelemetryNames.INPUT_TOKENS));
    assertTrue(ended.get(0).getAttributes().get(TelemetryNames.SAMPLED));
  }

  @Test
  void noTokenCountMeansNoTokenAttribute() {
    Span span = telemetry.startInferenceSpan(0, 1, false);
    telemetry.endInference(span, 0, 1000, new int[0], false, null);
    assertEquals(
        null, spans.getFinishedSpanItems().get(0).getAttributes().get(TelemetryNames.INPUT_TOKENS));
  }
}
