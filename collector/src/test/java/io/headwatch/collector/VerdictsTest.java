package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verdicts through the whole collector: snapshots in over OTLP, the verdict on each prediction in
 * the API (filter and order included), the counters on /metrics, {@code gen_ai.evaluation.result}
 * records to the upstream, and the verdict baseline refilled from the store after a restart.
 */
class VerdictsTest {
  private static final String MODEL = "verdict-model";
  private static final int LAYERS = 2;
  private static final int HEADS = 3;
  private static final int CLEAN = 180;
  @TempDir Path dir;

  /** A clean snapshot: every statistic near its head's own level, with a little noise. */
  private static Map<String, double[]> clean(Random random) {
    Map<String, double[]> stats = new HashMap<>();
    for (String s :
        List.of(
            "entropy",
            "max_weight",
            "sink_mass",
            "last_token_mass",
            "self_mass",
            "previous_mass",
            "next_mass",
            "mean_distance",
            "head.output_norm")) {
      double[] v = new double[LAYERS * HEADS];
      for (int i = 0; i < v.length; i++) {
        v[i] = 0.2 + 0.05 * i + 0.01 * random.nextGaussian();
      }
      stats.put(s, v);
    }
    double[] std = {1.0 + 0.02 * random.nextGaussian(), 2.0 + 0.02 * random.nextGaussian()};
    stats.put("activation.std", std);
    stats.put("activation.nonfinite", new double[LAYERS]);
    return stats;
  }

  private static void send(TestCollector c, int n, Map<String, double[]> stats) throws Exception {
    byte[] body =
        Fixtures.snapshot(
                Fixtures.traceId(n),
                Fixtures.spanId(n),
                MODEL,
                1_000_000L * n,
                LAYERS,
                HEADS,
                stats)
            .toByteArray();
    assertEquals(200, c.post("/v1/logs", "application/x-protobuf", null, body).statusCode());
  }

  private static JsonObject verdict(TestCollector c, int n) throws Exception {
    return c.getJson("/api/predictions/" + Fixtures.traceId(n))
        .getAsJsonObject()
        .getAsJsonObject("verdict");
  }

  @Test
  void verdictsReachTheApiTheMetricsAndTheUpstreamAndSurviveARestart() throws Exception {
    List<ExportLogsServiceRequest> upstream = new CopyOnWriteArrayList<>();
    HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sink.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          if (exchange.getRequestURI().getPath().equals("/v1/logs")) {
            upstream.add(ExportLogsServiceRequest.parseFrom(body));
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    sink.start();
    Random random = new Random(12);
    String[] settings = {
      "verdict-min",
      "100",
      "verdict-window",
      "400",
      "forward-endpoint",
      "http://127.0.0.1:" + sink.getAddress().getPort()
    };
    try (TestCollector c = TestCollector.start(dir, settings)) {
      for (int n = 0; n < CLEAN; n++) {
        send(c, n, clean(random));
      }
      assertEquals("warming_up", verdict(c, 0).get("status").getAsString());
      JsonObject normal = verdict(c, CLEAN - 1);
      assertEquals("scored", normal.get("status").getAsString());

      // A NaN head (layer 1, head 2) whose hidden states go non-finite from layer 1 on.
      Map<String, double[]> nan = clean(random);
      nan.get("entropy")[1 * HEADS + 2] = Double.NaN;
      nan.put("activation.nonfinite", new double[] {0, 40});
      send(c, 1000, nan);
      // A value-path change: head (0, 1)'s output norm ten times its level.
      Map<String, double[]> value = clean(random);
      value.get("head.output_norm")[1] *= 10;
      send(c, 1001, value);

      JsonObject v = verdict(c, 1000);
      assertTrue(v.get("anomalous").getAsBoolean());
      assertEquals("model", v.get("kind").getAsString());
      assertEquals(16.0, v.get("score").getAsDouble());
      assertEquals(0.001, v.get("threshold").getAsDouble());
      JsonObject first = v.getAsJsonArray("suspects").get(0).getAsJsonObject();
      assertEquals(1, first.get("layer").getAsInt());
      assertEquals(2, first.get("head").getAsInt());
      assertEquals("attention", first.get("site").getAsString());
      assertEquals("nonfinite", first.get("statistic").getAsString());
      assertTrue(first.get("nonfinite").getAsBoolean());

      JsonObject w = verdict(c, 1001);
      assertTrue(w.get("anomalous").getAsBoolean());
      JsonObject top = w.getAsJsonArray("suspects").get(0).getAsJsonObject();
      assertEquals(0, top.get("layer").getAsInt());
      assertEquals(1, top.get("head").getAsInt());
      assertEquals("head_output", top.get("site").getAsString());
      assertEquals("output_norm", top.get("statistic").getAsString());
      assertTrue(top.get("deviation").getAsDouble() > 10);
      assertTrue(w.getAsJsonObject("input").get("comparable").getAsBoolean());

      JsonArray anomalous =
          c.getJson("/api/predictions?verdict=anomalous&order=score")
              .getAsJsonObject()
              .getAsJsonArray("predictions");
      assertTrue(anomalous.size() >= 2, "anomalous predictions listed: " + anomalous.size());
      // Both faults score the maximum (16); equal scores list the newest first.
      assertEquals(
          List.of(Fixtures.traceId(1001), Fixtures.traceId(1000)),
          List.of(
              anomalous.get(0).getAsJsonObject().get("trace_id").getAsString(),
              anomalous.get(1).getAsJsonObject().get("trace_id").getAsString()),
          "the highest scores first");
      for (var p : anomalous) {
        assertTrue(p.getAsJsonObject().getAsJsonObject("verdict").get("anomalous").getAsBoolean());
      }
      JsonArray normals =
          c.getJson("/api/predictions?verdict=normal&limit=1000")
              .getAsJsonObject()
              .getAsJsonArray("predictions");
      assertEquals(CLEAN + 2, anomalous.size() + normals.size(), "every snapshot has a verdict");

      Map<String, Double> m = c.metrics();
      String model = "gen_ai_request_model=\"" + MODEL + "\"";
      double scored = m.get("headwatch_collector_verdicts_total{" + model + ",status=\"scored\"}");
      double warming =
          m.get("headwatch_collector_verdicts_total{" + model + ",status=\"warming_up\"}");
      assertEquals(CLEAN + 2, scored + warming);
      assertEquals(
          (double) anomalous.size(),
          m.get("headwatch_collector_anomalous_predictions_total{" + model + ",kind=\"model\"}")
              + m.getOrDefault(
                  "headwatch_collector_anomalous_predictions_total{" + model + ",kind=\"input\"}",
                  0.0));

      JsonObject models = c.getJson("/api/models").getAsJsonObject();
      int baseline =
          models
              .getAsJsonArray("models")
              .get(0)
              .getAsJsonObject()
              .get("verdict_baseline_predictions")
              .getAsInt();
      assertTrue(baseline >= CLEAN - anomalous.size(), "verdict baseline " + baseline);

      TestCollector.await(
          TestCollector.WAIT,
          "the NaN prediction's evaluation record upstream",
          () -> evaluation(upstream, Fixtures.traceId(1000)) != null);
      LogRecord r = evaluation(upstream, Fixtures.traceId(1000));
      assertEquals(Fixtures.spanId(1000), HexFormat.of().formatHex(r.getSpanId().toByteArray()));
      assertEquals("headwatch.verdict", attribute(r, "gen_ai.evaluation.name"));
      assertEquals("anomalous", attribute(r, "gen_ai.evaluation.score.label"));
      assertEquals(MODEL, attribute(r, "gen_ai.request.model"));
      assertEquals(
          "model: layer 1 head 2 attention nonfinite (non-finite values)",
          attribute(r, "gen_ai.evaluation.explanation"));
    } finally {
      sink.stop(0);
    }

    // After a restart the baseline is refilled from the store: the next clean prediction is scored
    // at once instead of warming up again.
    try (TestCollector c = TestCollector.start(dir, "verdict-min", "100")) {
      send(c, 2000, clean(random));
      JsonObject v = verdict(c, 2000);
      assertEquals("scored", v.get("status").getAsString());
      assertFalse(v.get("anomalous").getAsBoolean());
    }
  }

  private static LogRecord evaluation(List<ExportLogsServiceRequest> requests, String traceId) {
    for (ExportLogsServiceRequest req : requests) {
      for (ResourceLogs rl : req.getResourceLogsList()) {
        for (ScopeLogs sl : rl.getScopeLogsList()) {
          for (LogRecord r : sl.getLogRecordsList()) {
            if (r.getEventName().equals("gen_ai.evaluation.result")
                && HexFormat.of().formatHex(r.getTraceId().toByteArray()).equals(traceId)) {
              return r;
            }
          }
        }
      }
    }
    return null;
  }

  private static String attribute(LogRecord r, String key) {
    for (KeyValue kv : r.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }
}
