package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /api/models/{model}/heads/{layer}/{head}: one head's values, those of predictions made within
 * {@code baseline-now} against the older ones, as quantiles and histograms. Snapshot i, made at
 * second i + 1, carries entropy i + 1 at layer 0 head 1, so the expected figures are known without
 * the collector.
 */
class HeadValuesApiTest {
  private static final String MODEL = "org/values-model";
  private static final int SNAPSHOTS = 8;
  @TempDir static Path dir;
  private static TestCollector c;

  @BeforeAll
  static void seed() throws Exception {
    // The collector's clock stands at second 8.5: with a "now" of 3 s, seconds 6, 7, 8 are now.
    c =
        TestCollector.start(
            dir,
            new MutableClock(java.time.Instant.ofEpochSecond(8, 500_000_000)),
            "baseline-now",
            "3s",
            "baseline-min",
            "2");
    for (int i = 0; i < SNAPSHOTS; i++) {
      c.post(
          "/v1/logs",
          "application/x-protobuf",
          null,
          Fixtures.snapshot(
                  Fixtures.traceId(i),
                  Fixtures.spanId(i),
                  MODEL,
                  1_000_000_000L * (i + 1),
                  1,
                  2,
                  Map.of("entropy", new double[] {0.5, i + 1}))
              .toByteArray());
    }
    TestCollector.await(
        TestCollector.WAIT,
        "all snapshots in the window",
        () -> {
          try {
            return c.getJson("/api/models/org%2Fvalues-model/heads")
                    .getAsJsonObject()
                    .get("snapshots_in_window")
                    .getAsInt()
                == SNAPSHOTS;
          } catch (Exception | AssertionError e) {
            return false;
          }
        });
  }

  @AfterAll
  static void stop() {
    c.close();
  }

  @Test
  void recentAgainstBaselineAsQuantilesAndHistograms() throws Exception {
    JsonObject o = c.getJson("/api/models/org%2Fvalues-model/heads/0/1").getAsJsonObject();
    assertEquals(MODEL, o.get("model").getAsString());
    assertEquals(3.0, o.get("now_seconds").getAsDouble());
    JsonArray stats = o.getAsJsonArray("statistics");
    assertEquals(1, stats.size(), "only the statistic the snapshots carried");
    JsonObject entropy = stats.get(0).getAsJsonObject();
    assertEquals("entropy", entropy.get("statistic").getAsString());
    // Now: the newest 3 (6, 7, 8). Baseline: the 5 before (1 … 5).
    JsonObject now = entropy.getAsJsonObject("recent");
    assertEquals(3, now.get("count").getAsInt());
    assertEquals(7.0, now.get("p50").getAsDouble());
    assertEquals(6.0, now.get("min").getAsDouble());
    JsonObject base = entropy.getAsJsonObject("baseline");
    assertEquals(5, base.get("count").getAsInt());
    assertEquals(3.0, base.get("p50").getAsDouble());
    assertEquals(2.0, base.get("p25").getAsDouble());
    assertEquals(1.2, base.get("p5").getAsDouble(), 1e-6);
    JsonObject hist = entropy.getAsJsonObject("histogram");
    JsonArray edges = hist.getAsJsonArray("edges");
    assertEquals(21, edges.size());
    assertEquals(1.0, edges.get(0).getAsDouble());
    assertEquals(8.0, edges.get(20).getAsDouble());
    assertEquals(3, sum(hist.getAsJsonArray("recent")));
    assertEquals(5, sum(hist.getAsJsonArray("baseline")));
    // 1 is in bin 0; 8, the top edge, in bin 19.
    assertEquals(1, hist.getAsJsonArray("baseline").get(0).getAsInt());
    assertEquals(1, hist.getAsJsonArray("recent").get(19).getAsInt());
  }

  @Test
  void unknownModelsAndHeadsOutsideTheShapeAre404() throws Exception {
    for (String path :
        new String[] {"/api/models/org%2Fvalues-model/heads/0/2", "/api/models/nope/heads/0/0"}) {
      HttpResponse<String> r = c.get(path);
      assertEquals(404, r.statusCode(), path);
      assertEquals(
          "model",
          JsonParser.parseString(r.body()).getAsJsonObject().get("parameter").getAsString());
    }
  }

  private static int sum(JsonArray a) {
    int s = 0;
    for (JsonElement e : a) {
      s += e.getAsInt();
    }
    return s;
  }
}
