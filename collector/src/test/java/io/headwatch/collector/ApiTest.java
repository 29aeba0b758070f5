package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The REST API over a model "org/bert" (2 layers x 2 heads): 20 ordinary snapshots, then one whose
 * head (1, 1) entropy jumps from 0.3 to 0.9.
 */
class ApiTest {
  private static final String MODEL = "org/bert";
  private static final long T0 = 1_700_000_000_000_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final int NORMAL = 20;
  @TempDir static Path dir;
  private static TestCollector c;

  @BeforeAll
  static void seed() throws Exception {
    // The collector's clock stands half a second after the last snapshot (T0 + 20 s): with a "now"
    // of 5 s, snapshots 16..20 are now, 0..15 the baseline.
    c =
        TestCollector.start(
            dir,
            new MutableClock(java.time.Instant.ofEpochSecond(0, T0 + NORMAL * SECOND + SECOND / 2)),
            "baseline-window",
            "50",
            "baseline-now",
            "5s",
            "baseline-min",
            "5");
    for (int i = 0; i <= NORMAL; i++) {
      double[] entropy = {0.50 + 0.01 * (i % 5), 0.3, 0.3, i == NORMAL ? 0.9 : 0.3};
      double[] sink = new double[4];
      Arrays.fill(sink, 0.2);
      String trace = Fixtures.traceId(i);
      c.post(
          "/v1/logs",
          "application/x-protobuf",
          null,
          Fixtures.snapshot(
                  trace,
                  Fixtures.spanId(i),
                  MODEL,
                  T0 + i * SECOND,
                  2,
                  2,
                  Map.of("entropy", entropy, "sink_mass", sink))
              .toByteArray());
      c.post(
          "/v1/traces",
          "application/x-protobuf",
          null,
          Fixtures.span(
                  trace, Fixtures.spanId(i), MODEL, T0 + i * SECOND, 1_000_000L * (i + 1), 10 + i)
              .toByteArray());
    }
    TestCollector.await(
        TestCollector.WAIT,
        "all predictions stored",
        () -> {
          try {
            JsonArray models = c.getJson("/api/models").getAsJsonObject().getAsJsonArray("models");
            return models.size() == 1
                && models.get(0).getAsJsonObject().get("predictions").getAsInt() == NORMAL + 1
                && c.getJson("/api/predictions/" + Fixtures.traceId(NORMAL))
                    .getAsJsonObject()
                    .get("has_span")
                    .getAsBoolean();
          } catch (Exception e) {
            return false;
          }
        });
  }

  @AfterAll
  static void stop() {
    c.close();
  }

  @Test
  void models() throws Exception {
    JsonObject m =
        c.getJson("/api/models")
            .getAsJsonObject()
            .getAsJsonArray("models")
            .get(0)
            .getAsJsonObject();
    assertEquals(MODEL, m.get("name").getAsString());
    assertEquals("[\"svc\"]", m.get("services").toString());
    assertEquals(2, m.get("layers").getAsInt());
    assertEquals(2, m.get("heads").getAsInt());
    assertEquals(NORMAL + 1, m.get("predictions").getAsInt());
    assertEquals(T0 + NORMAL * SECOND, m.get("last_seen_unix_nano").getAsLong());
  }

  @Test
  void mostDeviantFirstByDefault() throws Exception {
    JsonObject r = c.getJson("/api/predictions?limit=3").getAsJsonObject();
    assertEquals("deviation", r.get("order").getAsString());
    JsonArray list = r.getAsJsonArray("predictions");
    assertEquals(3, list.size());
    JsonObject top = list.get(0).getAsJsonObject();
    assertEquals(Fixtures.traceId(NORMAL), top.get("trace_id").getAsString());
    JsonObject head = top.getAsJsonArray("top_heads").get(0).getAsJsonObject();
    assertEquals(1, head.get("layer").getAsInt());
    assertEquals(1, head.get("head").getAsInt());
    assertEquals("entropy", head.get("statistic").getAsString());
    // 20 earlier values of 0.3: median 0.3, MAD 0 floored to 0.001 -> z = 0.6 / 0.0014826
    assertEquals(0.3, head.get("median").getAsDouble(), 1e-6);
    assertEquals(0.0, head.get("mad").getAsDouble(), 1e-9);
    assertEquals(0.6 / (1.4826 * 0.001), top.get("max_deviation").getAsDouble(), 0.05);
    assertTrue(top.getAsJsonArray("top_heads").size() <= 10);
  }

  @Test
  void filtersAndTimeOrder() throws Exception {
    JsonArray list =
        c.getJson("/api/predictions?order=time&limit=2")
            .getAsJsonObject()
            .getAsJsonArray("predictions");
    assertEquals(
        Fixtures.traceId(NORMAL), list.get(0).getAsJsonObject().get("trace_id").getAsString());
    assertEquals(
        Fixtures.traceId(NORMAL - 1), list.get(1).getAsJsonObject().get("trace_id").getAsString());

    long fromMillis = (T0 + 5 * SECOND) / 1_000_000;
    long toMillis = (T0 + 8 * SECOND) / 1_000_000;
    list =
        c.getJson("/api/predictions?order=time&from=" + fromMillis + "&to=" + toMillis)
            .getAsJsonObject()
            .getAsJsonArray("predictions");
    assertEquals(3, list.size(), list.toString());
    list =
        c.getJson(
                "/api/predictions?from=2023-11-14T22:13:25Z&to=2023-11-14T22:13:28Z&model=org/bert")
            .getAsJsonObject()
            .getAsJsonArray("predictions");
    assertEquals(3, list.size());
    list =
        c.getJson("/api/predictions?model=other").getAsJsonObject().getAsJsonArray("predictions");
    assertEquals(0, list.size());
    list =
        c.getJson("/api/predictions?trace_id=" + Fixtures.traceId(7).toUpperCase())
            .getAsJsonObject()
            .getAsJsonArray("predictions");
    assertEquals(1, list.size());
    assertEquals(17, list.get(0).getAsJsonObject().get("input_tokens").getAsInt());
  }

  @Test
  void onePredictionByIdOrTraceId() throws Exception {
    JsonObject byTrace = c.getJson("/api/predictions/" + Fixtures.traceId(3)).getAsJsonObject();
    long id = byTrace.get("id").getAsLong();
    JsonObject byId = c.getJson("/api/predictions/" + id).getAsJsonObject();
    assertEquals(byTrace, byId);
    assertEquals(0.004, byId.get("duration_seconds").getAsDouble(), 1e-12);
    assertEquals("[" + id + "]", byId.get("trace_prediction_ids").toString());
    assertEquals(404, c.get("/api/predictions/99999999").statusCode());
  }

  @Test
  void headsCompareRecentWithBaseline() throws Exception {
    JsonObject r = c.getJson("/api/models/org%2Fbert/heads").getAsJsonObject();
    assertEquals(MODEL, r.get("model").getAsString());
    assertEquals(NORMAL + 1, r.get("snapshots_in_window").getAsInt());
    JsonObject h = null;
    for (var e : r.getAsJsonArray("heads")) {
      JsonObject o = e.getAsJsonObject();
      if (o.get("layer").getAsInt() == 0
          && o.get("head").getAsInt() == 0
          && o.get("statistic").getAsString().equals("entropy")) {
        h = o;
      }
    }
    // now = snapshots 16..20 (made at T0 + 16..20 s, within 5 s of the clock; i % 5 = 1,2,3,4,0):
    // 0.51,0.52,0.53,0.54,0.50 -> median 0.52
    // older = 0..15: 0.50 x4, 0.51 x3, 0.52 x3, 0.53 x3, 0.54 x3 -> 8th and 9th are 0.52;
    // |x - 0.52| = 0 x3, 0.01 x6, 0.02 x7 -> MAD 0.01; z = |0.52 - 0.52| / (1.4826 * 0.01) = 0
    assertEquals(0.52, h.get("median_now").getAsDouble(), 1e-6);
    assertEquals(5, h.get("recent_count").getAsInt());
    assertEquals(16, h.get("baseline_count").getAsInt());
    assertEquals(0.52, h.get("baseline_median").getAsDouble(), 1e-6);
    assertEquals(0.01, h.get("baseline_mad").getAsDouble(), 1e-6);
    assertEquals(0.0, h.get("z").getAsDouble(), 1e-9);
    assertEquals(404, c.get("/api/models/nope/heads").statusCode());
  }

  @ParameterizedTest
  @CsvSource({
    "limit=0,limit", "limit=1001,limit", "limit=ten,limit", "order=size,order",
    "from=yesterday,from", "to=2023-13-01,to", "trace_id=xyz,trace_id", "colour=red,colour",
    "from=2000&to=1000,to"
  })
  void badParametersAre400NamingTheParameter(String query, String parameter) throws Exception {
    HttpResponse<String> r = c.get("/api/predictions?" + query);
    assertEquals(400, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals(
        parameter,
        JsonParser.parseString(r.body()).getAsJsonObject().get("parameter").getAsString());
  }

  @Test
  void badPredictionKeyIs400() throws Exception {
    HttpResponse<String> r = c.get("/api/predictions/not-an-id");
    assertEquals(400, r.statusCode());
    assertEquals(
        "id", JsonParser.parseString(r.body()).getAsJsonObject().get("parameter").getAsString());
    assertEquals(404, c.get("/api/nothing").statusCode());
  }
}
