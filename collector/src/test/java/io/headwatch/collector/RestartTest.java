package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 means stored: what was acknowledged is served at once, without waiting, and again after a
 * clean restart, with the baselines refilled from the store.
 */
class RestartTest {
  private static final String PROTO = "application/x-protobuf";
  @TempDir Path dir;

  @Test
  void acknowledgedPredictionsAreServedAtOnceAndAfterARestart() throws Exception {
    String trace = Fixtures.traceId(42);
    String span = Fixtures.spanId(42);
    try (TestCollector c = TestCollector.start(dir)) {
      assertEquals(
          200,
          c.post(
                  "/v1/traces",
                  PROTO,
                  null,
                  Fixtures.span(trace, span, "bert", 1_700_000_000_000_000_000L, 7_000_000, 12)
                      .toByteArray())
              .statusCode());
      assertEquals(
          200,
          c.post(
                  "/v1/logs",
                  PROTO,
                  null,
                  Fixtures.snapshot(
                          trace,
                          span,
                          "bert",
                          1_700_000_000_000_000_001L,
                          1,
                          2,
                          Map.of("entropy", new double[] {0.125, 0.875}))
                      .toByteArray())
              .statusCode());
      // No polling: the two 200s mean both records are in the store.
      assertStored(c, trace, span);
    }
    try (TestCollector c = TestCollector.start(dir)) {
      assertStored(c, trace, span);
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

  private static void assertStored(TestCollector c, String trace, String span) throws Exception {
    JsonObject p = c.getJson("/api/predictions/" + trace).getAsJsonObject();
    assertEquals(span, p.get("span_id").getAsString());
    assertEquals(12, p.get("input_tokens").getAsLong());
    assertEquals(0.007, p.get("duration_seconds").getAsDouble(), 1e-12);
    assertEquals(1, p.get("snapshot_count").getAsInt());
    assertEquals(
        "[0.125,0.875]",
        p.getAsJsonArray("snapshots")
            .get(0)
            .getAsJsonObject()
            .getAsJsonObject("statistics")
            .getAsJsonObject("attention")
            .get("entropy")
            .toString());
  }
}
