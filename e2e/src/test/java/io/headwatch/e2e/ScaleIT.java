package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.File;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GPT-3's head count (96 layers x 96 heads = 9,216) on a synthetic transformer with a tiny hidden
 * size: the agent captures every head into the snapshot, and the series it exports stay within what
 * the aggregation mode promises (docs/telemetry.md, "Series per model").
 */
class ScaleIT {
  private static final int LAYERS = 96;
  private static final int HEADS = 96;
  private static final int INFERENCES = 40;
  private static ChildJvm withoutAgent;

  @BeforeAll
  static void runWithoutAgent() throws Exception {
    withoutAgent = ChildJvm.run(List.of(), main(), Map.of(), 300);
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
  }

  private static List<String> main() {
    String classpath =
        System.getProperty("basedir", ".")
            + "/target/test-classes"
            + File.pathSeparator
            + ChildJvm.requiredProperty("onnxruntime.jar");
    return List.of(
        "-cp",
        classpath,
        SyntheticTransformerApp.class.getName(),
        Integer.toString(LAYERS),
        Integer.toString(HEADS),
        Integer.toString(INFERENCES),
        "16");
  }

  private static OtlpReceiver runWithAgent(String aggregation) throws Exception {
    OtlpReceiver receiver = new OtlpReceiver();
    ChildJvm withAgent =
        ChildJvm.run(
            List.of(
                "-javaagent:"
                    + ChildJvm.agentJar()
                    + "=sampling.rate=1.0,overhead.budget=none,"
                    + "queue.capacity=1000,queue.max_bytes=2147483648,attention.aggregation="
                    + aggregation),
            main(),
            ChildJvm.otlpEnvironment(receiver, "scale-e2e"),
            300);
    receiver.close();
    assertEquals(0, withAgent.exitCode, withAgent.toString());
    assertEquals(withoutAgent.stdout, withAgent.stdout, "outputs identical with the agent");
    assertFalse(withAgent.stderr.contains("[headwatch] WARN"), withAgent.stderr);
    assertTrue(
        withAgent.stderr.contains("96 attention layer(s), 96 hidden state(s)"), withAgent.stderr);
    assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
    return receiver;
  }

  @Test
  void autoModeKeepsPerHeadSeriesWithinTheCapAndSnapshotsHoldEveryHead() throws Exception {
    OtlpReceiver receiver = runWithAgent("auto");
    Set<String> headSeries = seriesOf(receiver, "headwatch.attention.entropy");
    Set<String> layerSeries = seriesOf(receiver, "headwatch.attention.layer.entropy");
    assertEquals(LAYERS, layerSeries.size(), "one per-layer series per layer");
    // top_k: 4 heads per layer and sequence, at most 1,024 head series in all.
    assertFalse(headSeries.isEmpty(), "after the warm-up, the most unusual heads have series");
    assertTrue(headSeries.size() <= 1024, headSeries.size() + " head series");
    int snapshots = 0;
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")) {
        snapshots++;
        double[] entropy =
            OtlpReceiver.doubles(record.getAttributesList(), "headwatch.attention.entropy");
        assertEquals(LAYERS * HEADS, entropy.length);
        for (double e : entropy) {
          assertTrue(e >= 0 && e <= 1, "entropy " + e);
        }
      }
    }
    assertEquals(INFERENCES, snapshots);
  }

  @Test
  void layerModeExportsNoPerHeadSeries() throws Exception {
    OtlpReceiver receiver = runWithAgent("layer");
    assertTrue(
        receiver.metricsNamed("headwatch.attention.entropy").stream()
            .allMatch(m -> m.getHistogram().getDataPointsCount() == 0),
        "no per-head series");
    assertEquals(LAYERS, seriesOf(receiver, "headwatch.attention.layer.entropy").size());
    // Every head of every sampled sequence is in its layer's distribution.
    long count = 0;
    for (HistogramDataPoint p : last(receiver, "headwatch.attention.layer.entropy")) {
      count += p.getCount();
    }
    assertEquals((long) INFERENCES * LAYERS * HEADS, count);
  }

  private static Set<String> seriesOf(OtlpReceiver receiver, String name) {
    Set<String> series = new HashSet<>();
    for (Metric m : receiver.metricsNamed(name)) {
      for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
        series.add(p.getAttributesList().toString());
      }
    }
    return series;
  }

  private static List<HistogramDataPoint> last(OtlpReceiver receiver, String name) {
    List<Metric> metrics = receiver.metricsNamed(name);
    assertFalse(metrics.isEmpty(), name);
    return metrics.get(metrics.size() - 1).getHistogram().getDataPointsList();
  }
}
