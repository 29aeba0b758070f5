package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predictions written before a restart are served after it, and baselines are refilled. */
class RestartTest {
  @TempDir Path dir;

  @Test
  void predictionsSurviveARestart() throws Exception {
    String trace = Fixtures.traceId(42);
    String span = Fixtures.spanId(42);
    try (TestCollector c = TestCollector.start(dir)) {
      c.post(
          "/v1/traces",
          "application/x-protobuf",
          null,
          Fixtures.span(trace, span, "bert", 1_700_000_000_000_000_000L, 7_000_000, 12)
              .toByteArray());
      c.post(
          "/v1/logs",
          "application/x-protobuf",
          null,
          Fixtures.snapshot(
                  trace,
                  span,
                  "bert",
                  1_700_000_000_000_000_001L,
                  1,
                  2,
                  Map.of("entropy", new double[] {0.125, 0.875}))
              .toByteArray());
      TestCollector.await(
          Duration.ofSeconds(10),
          "stored",
          () -> {
            try {
              return c.getJson("/api/predictions/" + trace)
                      .getAsJsonObject()
                      .get("snapshot_count")
                      .getAsInt()
                  == 1;
            } catch (Exception e) {
              return false;
            }
          });
    }
    try (TestCollector c = TestCollector.start(dir)) {
      JsonObject p = c.getJson("/api/predictions/" + trace).getAsJsonObject();
      assertEquals(span, p.get("span_id").getAsString());
      assertEquals(12, p.get("input_tokens").getAsLong());
      assertEquals(0.007, p.get("duration_seconds").getAsDouble(), 1e-12);
      assertEquals(
          "[0.125,0.875]",
          p.getAsJsonArray("snapshots")
              .get(0)
              .getAsJsonObject()
              .getAsJsonObject("statistics")
              .getAsJsonObject("attention")
              .get("entropy")
              .toString());
      JsonObject model =
          c.getJson("/api/models")
              .getAsJsonObject()
              .getAsJsonArray("models")
              .get(0)
              .getAsJsonObject();
      assertEquals("bert", model.get("name").getAsString());
      assertEquals(1, model.get("predictions").getAsLong());
      assertEquals(1, model.get("baseline_snapshots").getAsInt());
    }
  }
}
