package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole path: the semantic-search example under the agent → the real collector → a prediction
 * found by its trace id with statistics for all 6 x 12 heads, and the same data at /metrics. The
 * collector forwards what it receives to a test receiver, which gives the test the trace ids the
 * agent really produced (and exercises forwarding).
 */
class CollectorEndToEndIT {
  private static final int LAYERS = 6;
  private static final int HEADS = 12;

  @Test
  void predictionIsFoundByTraceIdWithEveryHead() throws Exception {
    Path data =
        Files.createTempDirectory(
            Path.of(System.getProperty("basedir", "."), "target"), "collector-e2e");
    try (OtlpReceiver upstream = new OtlpReceiver();
        CollectorProcess collector =
            CollectorProcess.start(data, "--forward-endpoint", upstream.endpoint())) {
      Map<String, String> env = ChildJvm.otlpEnvironment(upstream, "semantic-search-collector-e2e");
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.otlpEndpoint());
      ChildJvm app =
          ChildJvm.run(
              List.of(
                  "-javaagent:"
                      + ChildJvm.agentJar()
                      + "=sampling.rate=1.0,overhead.budget=none,queue.capacity=1000,model.name=all-minilm-l6-v2"),
              List.of(
                  "-jar",
                  ChildJvm.requiredProperty("semantic-search.jar"),
                  "--query",
                  "how do I get my money back"),
              env,
              300);
      assertEquals(0, app.exitCode, app.toString());

      // A sampled inference whose span and snapshot both reached the collector (and were
      // forwarded).
      collector.await(
          Await.DEFAULT, "forwarded snapshots", () -> !snapshotTraceIds(upstream).isEmpty());
      Set<String> snapshotTraces = snapshotTraceIds(upstream);
      String traceId = null;
      for (Span span : upstream.spans()) {
        String id = HexFormat.of().formatHex(span.getTraceId().toByteArray());
        if (snapshotTraces.contains(id)) {
          traceId = id;
        }
      }
      assertTrue(traceId != null, "no forwarded span matches a forwarded snapshot");

      String path = "/api/predictions/" + traceId;
      collector.await(
          Await.DEFAULT,
          "prediction " + traceId,
          () -> {
            try {
              JsonObject p = collector.getJson(path).getAsJsonObject();
              return p.get("has_span").getAsBoolean() && p.get("snapshot_count").getAsInt() >= 1;
            } catch (Exception | AssertionError e) {
              return false;
            }
          });
      JsonObject prediction = collector.getJson(path).getAsJsonObject();
      assertEquals(traceId, prediction.get("trace_id").getAsString());
      assertEquals("all-minilm-l6-v2", prediction.get("model").getAsString());
      assertEquals("semantic-search-collector-e2e", prediction.get("service").getAsString());
      assertEquals("embeddings", prediction.get("operation").getAsString());
      assertTrue(prediction.get("sampled").getAsBoolean());
      JsonObject snapshot = prediction.getAsJsonArray("snapshots").get(0).getAsJsonObject();
      assertEquals(LAYERS, snapshot.get("layers").getAsInt());
      assertEquals(HEADS, snapshot.get("heads").getAsInt());
      JsonObject attention = snapshot.getAsJsonObject("statistics").getAsJsonObject("attention");
      for (String statistic : List.of("entropy", "max_weight", "sink_mass")) {
        JsonArray values = attention.getAsJsonArray(statistic);
        assertEquals(LAYERS * HEADS, values.size(), statistic);
        for (JsonElement v : values) {
          assertFalse(v.isJsonNull(), statistic + " has a missing head");
          double d = v.getAsDouble();
          assertTrue(d >= 0 && d <= 1, statistic + " " + d);
        }
      }
      assertEquals(
          LAYERS,
          snapshot
              .getAsJsonObject("statistics")
              .getAsJsonObject("activation")
              .getAsJsonArray("abs_max")
              .size());

      // Hundreds of sampled inferences: the baseline is long enough to score deviations.
      JsonArray ranked =
          collector
              .getJson("/api/predictions?model=all-minilm-l6-v2&limit=5")
              .getAsJsonObject()
              .getAsJsonArray("predictions");
      assertFalse(ranked.isEmpty());
      JsonObject mostDeviant = ranked.get(0).getAsJsonObject();
      assertFalse(mostDeviant.get("max_deviation").isJsonNull(), mostDeviant.toString());
      assertFalse(mostDeviant.getAsJsonArray("top_heads").isEmpty(), mostDeviant.toString());

      // The same heads at /metrics, under the standard translation.
      String metrics = collector.get("/metrics");
      Pattern layer = Pattern.compile("headwatch_layer=\"(\\d+)\"");
      Pattern head = Pattern.compile("headwatch_head=\"(\\d+)\"");
      Set<String> heads = new HashSet<>();
      for (String line : metrics.split("\n")) {
        if (line.startsWith("headwatch_attention_head_entropy_total{")
            && line.contains("job=\"semantic-search-collector-e2e\"")) {
          Matcher l = layer.matcher(line);
          Matcher h = head.matcher(line);
          assertTrue(l.find() && h.find(), line);
          heads.add(l.group(1) + "/" + h.group(1));
        }
      }
      assertEquals(LAYERS * HEADS, heads.size(), "heads at /metrics: " + heads);

      assertEquals(143, collector.stop(), "SIGTERM exit code");
      assertTrue(
          String.join("\n", collector.output()).contains("stopped, store closed"),
          collector.output().toString());
    }
  }

  private static Set<String> snapshotTraceIds(OtlpReceiver receiver) {
    Set<String> ids = new HashSet<>();
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")) {
        ids.add(HexFormat.of().formatHex(record.getTraceId().toByteArray()));
      }
    }
    return ids;
  }
}
