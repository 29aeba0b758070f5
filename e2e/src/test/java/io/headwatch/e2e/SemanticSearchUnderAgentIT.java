package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The semantic-search example, unmodified, under the agent at sampling 1.0: the application prints
 * exactly what it prints without the agent, and the real OTLP export carries statistics for all 6
 * layers x 12 heads of all-MiniLM-L6-v2.
 *
 * <p>The queue is sized for the whole run (count and bytes): with the default 64 MiB a worker
 * slowed by a busy machine falls behind, and captures that do not fit are dropped and counted
 * ({@code queue_full}) — correct, but then how many are captured depends on the machine's speed.
 */
class SemanticSearchUnderAgentIT {
  private static final List<String> QUERIES =
      List.of(
          "how do I get my money back",
          "my parcel has not arrived yet",
          "what makes the sky blue",
          "a",
          "Tell me everything about resetting a forgotten password when the recovery e-mail never"
              + " arrives and the phone number on file is no longer mine");
  private static final int LAYERS = 6;
  private static final int HEADS = 12;

  private static ChildJvm withoutAgent;
  private static ChildJvm withAgent;
  private static OtlpReceiver receiver;

  @BeforeAll
  static void runBoth() throws Exception {
    String exampleJar = ChildJvm.requiredProperty("semantic-search.jar");
    List<String> args = new ArrayList<>(List.of("-jar", exampleJar));
    for (String query : QUERIES) {
      args.add("--query");
      args.add(query);
    }
    withoutAgent = ChildJvm.run(List.of(), args, Map.of(), 300);
    receiver = new OtlpReceiver();
    withAgent =
        ChildJvm.run(
            List.of(
                "-javaagent:"
                    + ChildJvm.agentJar()
                    + "=sampling.rate=1.0,overhead.budget=none,queue.capacity=1000,"
                    + "queue.max_bytes=1073741824"),
            args,
            ChildJvm.otlpEnvironment(receiver, "semantic-search-e2e"),
            300);
    receiver.close();
  }

  @Test
  void applicationOutputIsIdenticalWithAndWithoutTheAgent() {
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
    assertEquals(0, withAgent.exitCode, withAgent.toString());
    assertTrue(
        withoutAgent.stdout.contains("query: how do I get my money back"), withoutAgent.stdout);
    assertEquals(withoutAgent.stdout, withAgent.stdout);
  }

  @Test
  void agentStartsObservesAndLogsNoWarning() {
    assertTrue(withAgent.stderr.contains("[headwatch] started"), withAgent.stderr);
    assertTrue(
        withAgent.stderr.contains("6 attention layer(s), 6 hidden state(s)"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("[headwatch] WARN"), withAgent.stderr);
    // The SDK logs (through java.util.logging) when an instrument is misused, e.g. a negative value
    // recorded into a histogram: none of that may happen.
    assertFalse(withAgent.stderr.contains("WARNING"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("SEVERE"), withAgent.stderr);
    assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
    assertEquals("semantic-search-e2e", receiver.resourceAttribute("service.name"));
    assertNotNull(receiver.resourceAttribute("service.instance.id"));
  }

  @Test
  void attentionStatisticsCoverEveryHeadAndLieInRange() {
    // The default mode: per head, the sum of each statistic over the sampled sequences; per
    // model, the number of sequences. Each head's mean is their ratio.
    double sequences = 0;
    for (NumberDataPoint p : receiver.lastSumPoints("headwatch.attention.sequences").values()) {
      sequences += p.getAsInt();
    }
    assertTrue(
        sequences >= 300 + QUERIES.size(),
        "sequences "
            + sequences
            + ", dropped "
            + (receiver.metricsNamed("headwatch.agent.dropped").isEmpty()
                ? "none"
                : receiver.lastSumPoints("headwatch.agent.dropped").toString())
            + "\n"
            + withAgent.stderr);
    for (String name :
        List.of(
            "headwatch.attention.head.entropy",
            "headwatch.attention.head.max_weight",
            "headwatch.attention.head.sink_mass")) {
      assertEquals("1", unitOf(name));
      Map<String, NumberDataPoint> points = receiver.lastSumPoints(name);
      Set<String> heads = new HashSet<>();
      for (Map.Entry<String, NumberDataPoint> entry : points.entrySet()) {
        double mean = entry.getValue().getAsDouble() / sequences;
        assertTrue(mean >= 0.0 && mean <= 1.0, name + " mean " + mean + " at " + entry.getKey());
        if (name.endsWith("max_weight")) {
          // A row of n weights has its largest >= 1/n: with at most 512 tokens that is > 0.
          assertTrue(mean > 0.0, name + " mean at " + entry.getKey());
        }
        heads.add(
            OtlpReceiver.attribute(entry.getValue().getAttributesList(), "headwatch.layer")
                + "/"
                + OtlpReceiver.attribute(entry.getValue().getAttributesList(), "headwatch.head"));
      }
      Set<String> expected = new HashSet<>();
      for (int l = 0; l < LAYERS; l++) {
        for (int h = 0; h < HEADS; h++) {
          expected.add(l + "/" + h);
        }
      }
      assertEquals(expected, heads, name);
    }
    assertTrue(
        receiver.metricsNamed("headwatch.attention.entropy").isEmpty(),
        "no per-head histograms in the default mode");
  }

  @Test
  void activationAndInferenceMetricsArePresent() {
    Map<String, HistogramDataPoint> absMax =
        receiver.lastHistogramPoints("headwatch.activation.abs_max");
    assertEquals(LAYERS, absMax.size(), absMax.keySet().toString());
    for (HistogramDataPoint p : absMax.values()) {
      assertTrue(p.getMin() > 0.0 && p.getMax() < 1e4, "abs max " + p);
      assertEquals("hidden_state", OtlpReceiver.attribute(p.getAttributesList(), "headwatch.site"));
    }
    for (NumberDataPoint p : receiver.lastSumPoints("headwatch.activation.nonfinite").values()) {
      assertEquals(0, p.getAsInt(), "a healthy model has no NaN/Inf activations");
    }
    Map<String, HistogramDataPoint> duration =
        receiver.lastHistogramPoints("gen_ai.client.operation.duration");
    assertEquals(1, duration.size());
    HistogramDataPoint d = duration.values().iterator().next();
    // Every corpus sentence and every query is one inference.
    assertTrue(d.getCount() >= 300 + QUERIES.size(), "inferences " + d.getCount());
    assertTrue(d.getMin() > 0 && d.getMax() < 60, "duration range");
    assertEquals("s", unitOf("gen_ai.client.operation.duration"));
    assertEquals(
        "onnxruntime", OtlpReceiver.attribute(d.getAttributesList(), "gen_ai.provider.name"));
    HistogramDataPoint tokens =
        receiver.lastHistogramPoints("headwatch.inference.input.tokens").values().iterator().next();
    assertEquals(d.getCount(), tokens.getCount(), "one token count per sequence");
    // The one-letter query "a" is [CLS] a [SEP]: 3 tokens, the smallest input.
    assertEquals(3.0, tokens.getMin());
  }

  @Test
  void spansAndSnapshotsDescribeEachSampledInference() {
    List<Span> spans = receiver.spans();
    assertTrue(spans.size() >= 300 + QUERIES.size(), "spans " + spans.size());
    Map<String, Span> byId = new HashMap<>();
    for (Span span : spans) {
      assertTrue(span.getName().startsWith("embeddings "), span.getName());
      assertEquals(
          "embeddings", OtlpReceiver.attribute(span.getAttributesList(), "gen_ai.operation.name"));
      byId.put(span.getSpanId().toString(java.nio.charset.StandardCharsets.ISO_8859_1), span);
    }
    List<LogRecord> snapshots = new ArrayList<>();
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")) {
        snapshots.add(record);
      }
    }
    assertFalse(snapshots.isEmpty(), "no snapshot received");
    for (LogRecord snapshot : snapshots) {
      Span span =
          byId.get(snapshot.getSpanId().toString(java.nio.charset.StandardCharsets.ISO_8859_1));
      assertNotNull(span, "snapshot points at an exported inference span");
      assertEquals("true", OtlpReceiver.attribute(span.getAttributesList(), "headwatch.sampled"));
      assertEquals(
          OtlpReceiver.attribute(span.getAttributesList(), "gen_ai.usage.input_tokens"),
          OtlpReceiver.attribute(snapshot.getAttributesList(), "gen_ai.usage.input_tokens"));
      double[] entropy =
          OtlpReceiver.doubles(snapshot.getAttributesList(), "headwatch.attention.entropy");
      assertNotNull(entropy);
      assertEquals(LAYERS * HEADS, entropy.length);
      for (double e : entropy) {
        assertTrue(e >= 0 && e <= 1, "entropy " + e);
      }
      double[] absMax =
          OtlpReceiver.doubles(snapshot.getAttributesList(), "headwatch.activation.abs_max");
      assertEquals(LAYERS, absMax.length);
    }
  }

  private static String unitOf(String name) {
    List<Metric> metrics = receiver.metricsNamed(name);
    assertFalse(metrics.isEmpty(), "no metric " + name);
    return metrics.get(0).getUnit();
  }
}
