package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forwarding sends what was received, as received, to an upstream OTLP/HTTP endpoint. */
class ForwardTest {
  @TempDir Path dir;

  private static final String METRICS_JSON =
      "{\"resourceMetrics\":[{\"resource\":{\"attributes\":["
          + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"fwd\"}}]},\"scopeMetrics\":[{\"metrics\":["
          + "{\"name\":\"headwatch.agent.dropped\",\"unit\":\"{item}\",\"sum\":{\"isMonotonic\":true,"
          + "\"aggregationTemporality\":2,\"dataPoints\":[{\"asInt\":\"%d\",\"attributes\":["
          + "{\"key\":\"headwatch.reason\",\"value\":{\"stringValue\":\"%s\"}}]}]}}]}]}]}";

  @Test
  void forwardsRawRequestsToTheUpstream() throws Exception {
    try (TestCollector upstream = TestCollector.start(dir.resolve("up"));
        TestCollector front =
            TestCollector.start(
                dir.resolve("front"),
                "forward-endpoint",
                "http://127.0.0.1:" + upstream.collector.otlpPort())) {
      byte[] json = String.format(METRICS_JSON, 3, "json").getBytes(StandardCharsets.UTF_8);
      assertEquals(200, front.post("/v1/metrics", "application/json", null, json).statusCode());
      byte[] gz =
          TestCollector.gzip(String.format(METRICS_JSON, 4, "gz").getBytes(StandardCharsets.UTF_8));
      assertEquals(200, front.post("/v1/metrics", "application/json", "gzip", gz).statusCode());
      byte[] span =
          Fixtures.span(Fixtures.traceId(5), Fixtures.spanId(5), "m", 1L, 2L, 3).toByteArray();
      assertEquals(
          200, front.post("/v1/traces", "application/x-protobuf", null, span).statusCode());

      TestCollector.await(
          TestCollector.WAIT,
          "forwarded data upstream",
          () -> {
            try {
              var m = upstream.metrics();
              return Double.valueOf(3)
                      .equals(
                          m.get(
                              "headwatch_agent_dropped_total{headwatch_reason=\"json\",job=\"fwd\"}"))
                  && Double.valueOf(4)
                      .equals(
                          m.get(
                              "headwatch_agent_dropped_total{headwatch_reason=\"gz\",job=\"fwd\"}"))
                  && upstream.get("/api/predictions/" + Fixtures.traceId(5)).statusCode() == 200;
            } catch (Exception e) {
              return false;
            }
          });
    }
  }

  @Test
  void failuresAreCountedAndDoNotAffectAgents() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (TestCollector front =
        TestCollector.start(
            dir.resolve("front2"),
            "forward-endpoint",
            "http://127.0.0.1:" + closedPort,
            "forward-timeout",
            "2s")) {
      byte[] json = String.format(METRICS_JSON, 1, "x").getBytes(StandardCharsets.UTF_8);
      assertEquals(200, front.post("/v1/metrics", "application/json", null, json).statusCode());
      TestCollector.await(
          TestCollector.WAIT,
          "forward_failed counted",
          () -> {
            try {
              return front
                      .metrics()
                      .getOrDefault(
                          "headwatch_collector_dropped_total{reason=\"forward_failed\"}", 0.0)
                  == 1.0;
            } catch (Exception e) {
              return false;
            }
          });
    }
  }
}
