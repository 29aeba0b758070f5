package io.headwatch.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.FloatTensor;
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

/**
 * Any engine's capture becomes metrics and snapshots through the one pipeline, with hand-computed
 * values; the queue is bounded by count and bytes, and what is left at shutdown is counted.
 */
class CapturePipelineTest {
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
  void perHeadStatisticsPerSequenceWithRightPadding() throws Exception {
    // batch 2, heads 2, length 3. Sequence 0: head 0 uniform, head 1 one-hot on key 0.
    // Sequence 1 has 2 valid tokens (one padding position): rows over its 2 valid keys.
    float t = 1f / 3;
    float[] values = {
      t, t, t, t, t, t, t, t, t, // b0 h0
      1, 0, 0, 1, 0, 0, 1, 0, 0, // b0 h1
      0.5f, 0.5f, 0, 0.5f, 0.5f, 0, 9, 9, 9, // b1 h0 (padded row: garbage, never read)
      0.25f, 0.75f, 0, 0.25f, 0.75f, 0, 9, 9, 9
    }; // b1 h1
    Span span = telemetry.startInferenceSpan(0, 2, true);
    Attributes extra = Attributes.of(TelemetryNames.OUTPUT_CONFIDENCE, 0.9);
    Capture capture =
        Capture.builder(telemetry, span.getSpanContext())
            .attention(0, FloatTensor.of(new long[] {2, 2, 3, 3}, values))
            .tokens(new int[] {3, 2})
            .tokenTexts(List.of(List.of("[CLS]", "hi", "[SEP]")))
            .extras(new Attributes[] {extra})
            .build();
    CapturePipeline pipeline = new CapturePipeline(8, 1 << 20, 4);
    assertNull(pipeline.offer(capture));
    assertTrue(pipeline.awaitIdle(60_000));
    telemetry.endInference(span, 0, 1_000_000, new int[] {3, 2}, true, null, true);

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

    // Metrics (head mode, the default for small models): per head, the sum of its values over
    // the sequences, and one sequence count per model.
    double entropySumHead0 = Double.NaN;
    long sequences = 0;
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getName().equals("headwatch.attention.head.entropy")) {
        for (var p : metric.getDoubleSumData().getPoints()) {
          assertEquals("tiny", p.getAttributes().get(TelemetryNames.MODEL));
          if (p.getAttributes().get(TelemetryNames.HEAD) == 0L) {
            entropySumHead0 = p.getValue();
          }
        }
      }
      if (metric.getName().equals("headwatch.attention.sequences")) {
        for (var p : metric.getLongSumData().getPoints()) {
          sequences += p.getValue();
        }
      }
    }
    assertEquals(2, sequences);
    assertEquals(1.0 + 1.0, entropySumHead0, 1e-6, "head 0 is uniform in both sequences");
    List<SpanData> ended = spans.getFinishedSpanItems();
    assertEquals(1, ended.size());
    assertEquals(5L, ended.get(0).getAttributes().get(TelemetryNames.INPUT_TOKENS));
    assertTrue(ended.get(0).getAttributes().get(TelemetryNames.SAMPLED));
  }

  @Test
  void noTokenCountMeansNoTokenAttribute() {
    Span span = telemetry.startInferenceSpan(0, 1, false);
    telemetry.endInference(span, 0, 1000, new int[0], false, null, false);
    assertEquals(
        null, spans.getFinishedSpanItems().get(0).getAttributes().get(TelemetryNames.INPUT_TOKENS));
  }

  @Test
  void headOutputNormsArePerHeadMeansOverValidQueries() throws Exception {
    // batch 1, heads 2, 3 positions (the last padded), head_dim 2.
    float[] out = {
      3, 4, 0, 0, 9, 9, // head 0: norms 5 and 0 -> mean 2.5 (padded row never read)
      1, 0, 0, 1, 9, 9 // head 1: norms 1 and 1 -> 1
    };
    float[] attention = new float[2 * 3 * 3];
    java.util.Arrays.fill(attention, 1f / 2);
    Span span = telemetry.startInferenceSpan(0, 1, true);
    Capture capture =
        Capture.builder(telemetry, span.getSpanContext())
            .attention(0, FloatTensor.of(new long[] {1, 2, 3, 3}, attention))
            .headOutput(0, FloatTensor.of(new long[] {1, 2, 3, 2}, out))
            .mask(new long[] {1, 1, 0})
            .build();
    CapturePipeline pipeline = new CapturePipeline(8, 1 << 20, 4);
    assertNull(pipeline.offer(capture));
    assertTrue(pipeline.awaitIdle(60_000));
    List<Double> norms =
        logs.getFinishedLogRecordItems()
            .get(0)
            .getAttributes()
            .get(AttributeKey.doubleArrayKey("headwatch.head.output_norm"));
    assertEquals(List.of(2.5, 1.0), norms);
  }

  @Test
  void queueBoundedByBytesDropsAndCountsAndReleases() throws Exception {
    CapturePipeline pipeline = new CapturePipeline(8, 1 << 20, 4);
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    int[] released = new int[1];
    // The first capture blocks the worker; the queue then holds at most 1 MiB.
    assertNull(pipeline.offer(blocking(hold, released)));
    Capture big =
        Capture.builder(telemetry, Span.getInvalid().getSpanContext())
            .hiddenState(0, FloatTensor.of(new long[] {1, 1024, 200}, new float[1024 * 200]))
            .onRelease(() -> released[0]++)
            .build();
    assertNull(pipeline.offer(big), "819,200 bytes fit");
    Capture another =
        Capture.builder(telemetry, Span.getInvalid().getSpanContext())
            .hiddenState(0, FloatTensor.of(new long[] {1, 1024, 200}, new float[1024 * 200]))
            .onRelease(() -> released[0]++)
            .build();
    assertEquals(CapturePipeline.QUEUE_FULL, pipeline.offer(another));
    assertEquals(1, released[0], "a dropped capture is released at once");
    hold.countDown();
    assertTrue(pipeline.awaitIdle(60_000));
    assertEquals(3, released[0], "and every processed one after its statistics");
    assertEquals(1, droppedCount("queue_full"));
  }

  @Test
  void whatIsLeftAtShutdownIsCountedNotReported() throws Exception {
    CapturePipeline pipeline = new CapturePipeline(8, 1 << 20, 4);
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    int[] released = new int[1];
    assertNull(pipeline.offer(blocking(hold, released)));
    for (int i = 0; i < 3; i++) {
      assertNull(
          pipeline.offer(
              Capture.builder(telemetry, Span.getInvalid().getSpanContext())
                  .onRelease(() -> released[0]++)
                  .build()));
    }
    pipeline.drain(1); // the worker is blocked: nothing queued can finish
    assertEquals(3, droppedCount("shutdown"));
    assertEquals(3, released[0]);
    assertEquals(
        CapturePipeline.SHUTDOWN, pipeline.offer(Capture.builder(telemetry, null).build()));
    hold.countDown();
  }

  @Test
  void capturesInHandGoBeforeModelRunsAndShareTheCountBound() throws Exception {
    CapturePipeline pipeline = new CapturePipeline(4, 1 << 20, 4);
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    int[] released = new int[1];
    List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    assertNull(pipeline.offer(blocking(hold, released, started)));
    assertTrue(started.await(60, java.util.concurrent.TimeUnit.SECONDS));
    assertNull(pipeline.offer(labelled("run 1", true, order)));
    assertNull(pipeline.offer(labelled("in hand 1", false, order)));
    assertNull(pipeline.offer(labelled("run 2", true, order)));
    assertNull(pipeline.offer(labelled("in hand 2", false, order)));
    // Four queued behind the busy worker: a fifth of either kind does not fit.
    assertEquals(CapturePipeline.QUEUE_FULL, pipeline.offer(labelled("run 3", true, order)));
    assertEquals(CapturePipeline.QUEUE_FULL, pipeline.offer(labelled("in hand 3", false, order)));
    hold.countDown();
    assertTrue(pipeline.awaitIdle(60_000));
    assertEquals(List.of("in hand 1", "in hand 2", "run 1", "run 2"), order);
    assertEquals(2, droppedCount("queue_full"));
    assertEquals(0, pipeline.pending());
    assertNull(pipeline.offer(labelled("after", true, order)), "the count is given back");
    assertTrue(pipeline.awaitIdle(60_000));
  }

  /** A test capture of this test's model: it resolves to nothing and holds {@code bytes}. */
  private abstract class TestCapture implements io.headwatch.agent.capture.PendingCapture {
    private final long bytes;

    TestCapture(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public ModelTelemetry model() {
      return telemetry;
    }

    @Override
    public long bytes() {
      return bytes;
    }

    @Override
    public void release() {}
  }

  /** A capture that notes its label when resolved, as one that runs a model or one in hand. */
  private io.headwatch.agent.capture.PendingCapture labelled(
      String label, boolean runsModel, List<String> order) {
    return new TestCapture(16) {
      @Override
      public boolean runsModel() {
        return runsModel;
      }

      @Override
      public Capture resolve() {
        order.add(label);
        return null;
      }
    };
  }

  /** A capture whose resolution waits for {@code hold}: it keeps the worker busy. */
  private io.headwatch.agent.capture.PendingCapture blocking(
      java.util.concurrent.CountDownLatch hold, int[] released) {
    return blocking(hold, released, new java.util.concurrent.CountDownLatch(1));
  }

  /** The same, counting {@code started} down when the worker has taken it. */
  private io.headwatch.agent.capture.PendingCapture blocking(
      java.util.concurrent.CountDownLatch hold,
      int[] released,
      java.util.concurrent.CountDownLatch started) {
    return new TestCapture(0) {
      @Override
      public Capture resolve() throws Exception {
        started.countDown();
        hold.await();
        return null;
      }

      @Override
      public void release() {
        released[0]++;
      }
    };
  }

  private long droppedCount(String reason) {
    long n = 0;
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getName().equals("headwatch.agent.dropped")) {
        for (var p : metric.getLongSumData().getPoints()) {
          if (reason.equals(p.getAttributes().get(TelemetryNames.REASON))) {
            n += p.getValue();
          }
        }
      }
    }
    return n;
  }
}
