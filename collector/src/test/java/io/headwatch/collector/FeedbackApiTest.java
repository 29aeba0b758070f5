package io.headwatch.collector;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feedback through the API and through OpenTelemetry evaluation records, and the comparison of
 * wrong with right predictions, on synthetic 2 × 2 models whose values the test chooses.
 *
 * <p>Model {@code sep}: 60 predictions; in the 30 the test labels wrong, layer 1 head 1's entropy
 * is drawn around 0.6, in the others around 0.4 (standard deviation 0.05); every other value is
 * noise of the same distribution in both groups. Model {@code noise}: 80 predictions with no
 * difference at all, labelled at random (seeded). Model {@code one}: a few predictions for the
 * single-label endpoint and its errors.
 */
class FeedbackApiTest {
  private static final long T0 = 1_700_000_000_000_000_000L;
  @TempDir static Path dir;
  private static TestCollector c;
  private static int next = 0;

  private static final List<String> SEP_WRONG = new ArrayList<>();
  private static final List<String> SEP_RIGHT = new ArrayList<>();
  private static final List<String> NOISE = new ArrayList<>();
  private static final List<String> ONE = new ArrayList<>();

  @BeforeAll
  static void seed() throws Exception {
    c = TestCollector.start(dir, "feedback-evaluation-name", "outcome");
    Random random = new Random(1515);
    for (int i = 0; i < 60; i++) {
      boolean wrong = i % 2 == 0;
      String trace = send("sep", random, wrong ? 0.6 : 0.4);
      (wrong ? SEP_WRONG : SEP_RIGHT).add(trace);
    }
    for (int i = 0; i < 80; i++) {
      NOISE.add(send("noise", random, 0.4));
    }
    for (int i = 0; i < 3; i++) {
      ONE.add(send("one", random, 0.4));
    }
    TestCollector.await(
        TestCollector.WAIT,
        "all predictions stored",
        () -> {
          try {
            return c.getJson("/api/predictions?limit=1000")
                    .getAsJsonObject()
                    .getAsJsonArray("predictions")
                    .size()
                == 143;
          } catch (Exception e) {
            return false;
          }
        });
  }

  /** One prediction (snapshot only) with noise everywhere but layer 1 head 1's entropy. */
  private static String send(String model, Random random, double entropy11) throws Exception {
    int n = next++;
    double[] entropy = new double[4];
    double[] sink = new double[4];
    for (int k = 0; k < 4; k++) {
      entropy[k] = 0.4 + 0.05 * random.nextGaussian();
      sink[k] = 0.2 + 0.05 * random.nextGaussian();
    }
    entropy[3] = entropy11 + 0.05 * random.nextGaussian();
    double[] std = {1 + 0.1 * random.nextGaussian(), 1 + 0.1 * random.nextGaussian()};
    String trace = Fixtures.traceId(n);
    HttpResponse<byte[]> r =
        c.post(
            "/v1/logs",
            "application/x-protobuf",
            null,
            Fixtures.snapshot(
                    trace,
                    Fixtures.spanId(n),
                    model,
                    T0 + n * 1_000_000_000L,
                    2,
                    2,
                    Map.of("entropy", entropy, "sink_mass", sink, "activation.std", std))
                .toByteArray());
    assertEquals(200, r.statusCode());
    return trace;
  }

  @AfterAll
  static void stop() {
    c.close();
  }

  private static HttpResponse<String> post(String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(c.api(path)))
            .timeout(TestCollector.WAIT)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return TestCollector.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> r) {
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  private static String bulk(List<String> traces, String label) {
    StringBuilder sb = new StringBuilder("{\"items\":[");
    for (int i = 0; i < traces.size(); i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"trace_id\":\"")
          .append(traces.get(i))
          .append("\",\"label\":\"")
          .append(label)
          .append("\"}");
    }
    return sb.append("]}").toString();
  }

  @Test
  void oneLabelIsStoredShownFilteredAndReplaced() throws Exception {
    String trace = ONE.get(0);
    HttpResponse<String> r =
        post(
            "/api/predictions/" + trace.toUpperCase() + "/feedback",
            "application/json; charset=utf-8",
            "{\"label\":\"wrong\",\"note\":\"the user complained\",\"by\":\"ana\"}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, json(r).getAsJsonArray("prediction_ids").size());
    JsonObject f =
        c.getJson("/api/predictions/" + trace).getAsJsonObject().getAsJsonObject("feedback");
    assertEquals("wrong", f.get("label").getAsString());
    assertEquals("the user complained", f.get("note").getAsString());
    assertEquals("ana", f.get("by").getAsString());
    assertEquals("api", f.get("source").getAsString());
    JsonArray wrong =
        c.getJson("/api/predictions?model=one&feedback=wrong")
            .getAsJsonObject()
            .getAsJsonArray("predictions");
    assertEquals(1, wrong.size());
    assertEquals(trace, wrong.get(0).getAsJsonObject().get("trace_id").getAsString());

    // The same trace again: the label is replaced, not added.
    long id = c.getJson("/api/predictions/" + trace).getAsJsonObject().get("id").getAsLong();
    r = post("/api/predictions/" + id + "/feedback", "application/json", "{\"label\":\"right\"}");
    assertEquals(200, r.statusCode(), r.body());
    f = c.getJson("/api/predictions/" + trace).getAsJsonObject().getAsJsonObject("feedback");
    assertEquals("right", f.get("label").getAsString());
    assertTrue(f.get("note").isJsonNull());
    assertEquals(
        0,
        c.getJson("/api/predictions?model=one&feedback=wrong")
            .getAsJsonObject()
            .getAsJsonArray("predictions")
            .size());
    assertEquals(
        1,
        c.getJson("/api/predictions?model=one&feedback=any")
            .getAsJsonObject()
            .getAsJsonArray("predictions")
            .size());
    assertEquals(
        2,
        c.getJson("/api/predictions?model=one&feedback=none")
            .getAsJsonObject()
            .getAsJsonArray("predictions")
            .size());
    assertTrue(
        c.getJson("/api/predictions/" + ONE.get(1)).getAsJsonObject().get("feedback").isJsonNull());
  }

  @Test
  void badRequestsNameTheFieldAndWhatToDo() throws Exception {
    String path = "/api/predictions/" + ONE.get(2) + "/feedback";
    assertError(post(path, "application/json", "{\"label\":\"maybe\"}"), 400, "label", "\"wrong\"");
    assertError(post(path, "application/json", "{}"), 400, "label", "nothing");
    assertError(
        post(
            path, "application/json", "{\"label\":\"wrong\",\"note\":\"" + "x".repeat(501) + "\"}"),
        400,
        "note",
        "at most 500");
    assertError(
        post(path, "application/json", "{\"label\":\"wrong\",\"by\":\"" + "x".repeat(101) + "\"}"),
        400,
        "by",
        "at most 100");
    assertError(post(path, "application/json", "{\"lable\":\"wrong\"}"), 400, "lable", "unknown");
    assertError(post(path, "application/json", "label=wrong"), 400, "body", "JSON");
    assertError(post(path, "application/json", "[1]"), 400, "body", "object");
    // Only JSON: an HTML form from another site cannot label (it cannot send this type).
    assertError(
        post(path, "application/x-www-form-urlencoded", "label=wrong"),
        415,
        "Content-Type",
        "application/json");
    assertError(post(path, null, "{\"label\":\"wrong\"}"), 415, "Content-Type", "none");
    assertError(
        post(
            "/api/predictions/" + "f".repeat(32) + "/feedback",
            "application/json",
            "{\"label\":\"wrong\"}"),
        404,
        "id",
        "no prediction");
    assertError(
        post("/api/predictions/nope/feedback", "application/json", "{\"label\":\"wrong\"}"),
        400,
        "id",
        "trace id");
    HttpResponse<String> get = c.get(path);
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    assertEquals(405, post("/api/predictions", "application/json", "{}").statusCode());
    assertError(
        post("/api/feedback", "application/json", "{\"items\":[]}"), 400, "items", "1 to 1000");
    assertError(post("/api/feedback", "application/json", "{\"list\":[]}"), 400, "list", "items");
    List<String> many = Collections.nCopies(1001, ONE.get(2));
    assertError(
        post("/api/feedback", "application/json", bulk(many, "wrong")), 400, "items", "1001");
    assertError(
        post("/api/feedback", "application/json", "{\"items\":[" + "1,".repeat(600_000) + "1]}"),
        413,
        "body",
        "1000 items");
    assertTrue(
        c.getJson("/api/predictions/" + ONE.get(2)).getAsJsonObject().get("feedback").isJsonNull(),
        "no refused request labelled anything");
  }

  private static void assertError(
      HttpResponse<String> r, int status, String parameter, String fragment) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject o = json(r);
    assertEquals(parameter, o.get("parameter").getAsString(), r.body());
    assertTrue(o.get("error").getAsString().contains(fragment), r.body());
  }

  @Test
  void bulkAppliesTheValidItemsAndReportsEachOne() throws Exception {
    String body =
        "{\"items\":[{\"trace_id\":\""
            + NOISE.get(0)
            + "\",\"label\":\"wrong\"},{\"trace_id\":\""
            + "e".repeat(32)
            + "\",\"label\":\"wrong\"},{\"trace_id\":\""
            + NOISE.get(1)
            + "\",\"label\":\"meh\"},{\"trace_id\":\"xyz\",\"label\":\"right\"}]}";
    HttpResponse<String> r = post("/api/feedback", "application/json", body);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject o = json(r);
    assertEquals(1, o.get("applied").getAsInt());
    assertEquals(1, o.get("unknown").getAsInt());
    assertEquals(2, o.get("invalid").getAsInt());
    JsonArray results = o.getAsJsonArray("results");
    assertEquals(200, results.get(0).getAsJsonObject().get("status").getAsInt());
    assertEquals(404, results.get(1).getAsJsonObject().get("status").getAsInt());
    assertEquals("items[2].label", results.get(2).getAsJsonObject().get("parameter").getAsString());
    assertEquals(
        "items[3].trace_id", results.get(3).getAsJsonObject().get("parameter").getAsString());
    assertEquals(
        "wrong",
        c.getJson("/api/predictions/" + NOISE.get(0))
            .getAsJsonObject()
            .getAsJsonObject("feedback")
            .get("label")
            .getAsString());
  }

  @Test
  void comparisonRanksTheSeparatingHeadFirstOnceEachGroupHasTwentyLabels() throws Exception {
    // 10 of each: too few, with the counts.
    post("/api/feedback", "application/json", bulk(SEP_WRONG.subList(0, 10), "wrong"));
    post("/api/feedback", "application/json", bulk(SEP_RIGHT.subList(0, 10), "right"));
    JsonObject few = c.getJson("/api/models/sep/comparison").getAsJsonObject();
    assertEquals("too_few_labels", few.get("status").getAsString());
    assertEquals(10, few.getAsJsonObject("labelled").get("wrong").getAsInt());
    assertEquals(10, few.getAsJsonObject("labelled").get("right").getAsInt());
    assertEquals(0, few.getAsJsonArray("entries").size());

    HttpResponse<String> r = post("/api/feedback", "application/json", bulk(SEP_WRONG, "wrong"));
    assertEquals(30, json(r).get("applied").getAsInt(), r.body());
    r = post("/api/feedback", "application/json", bulk(SEP_RIGHT, "right"));
    assertEquals(30, json(r).get("applied").getAsInt(), r.body());

    JsonObject cmp = c.getJson("/api/models/sep/comparison?limit=5").getAsJsonObject();
    assertEquals("ok", cmp.get("status").getAsString(), cmp.toString());
    assertEquals(30, cmp.getAsJsonObject("labelled").get("wrong").getAsInt());
    // 4 heads x 2 statistics + 2 layers x 1 activation statistic.
    assertEquals(10, cmp.get("tested").getAsInt() + cmp.get("untested").getAsInt());
    JsonArray entries = cmp.getAsJsonArray("entries");
    assertEquals(5, entries.size());
    JsonObject top = entries.get(0).getAsJsonObject();
    assertEquals("attention", top.get("site").getAsString());
    assertEquals(1, top.get("layer").getAsInt());
    assertEquals(1, top.get("head").getAsInt());
    assertEquals("entropy", top.get("statistic").getAsString());
    assertTrue(top.get("auc").getAsDouble() > 0.95, top.toString());
    assertTrue(top.get("delta_low").getAsDouble() > 0.5, top.toString());
    assertTrue(top.get("significant").getAsBoolean());
    assertTrue(top.get("wrong_median").getAsDouble() > top.get("right_median").getAsDouble());
    assertEquals(1, cmp.get("significant").getAsInt(), cmp.toString());
    JsonObject evidence = cmp.getAsJsonArray("evidence").get(0).getAsJsonObject();
    assertEquals(1, evidence.get("head").getAsInt());
    assertEquals(30, evidence.getAsJsonObject("wrong").get("count").getAsInt());
    int sum = 0;
    for (var v : evidence.getAsJsonObject("histogram").getAsJsonArray("wrong")) {
      sum += v.getAsInt();
    }
    assertEquals(30, sum);
    String link = cmp.getAsJsonObject("predictions").get("wrong").getAsString();
    assertEquals(
        30, c.getJson(link + "&limit=1000").getAsJsonObject().getAsJsonArray("predictions").size());

    Map<String, Double> m = c.metrics();
    assertTrue(
        m.getOrDefault(
                "headwatch_collector_feedback_total{gen_ai_request_model=\"sep\",label=\"wrong\"}",
                0.0)
            >= 30,
        m.toString());
  }

  @Test
  void randomLabelsOnModelWithoutDifferenceFindNothingSignificant() throws Exception {
    List<String> traces = new ArrayList<>(NOISE.subList(2, NOISE.size()));
    Collections.shuffle(traces, new Random(7));
    int half = traces.size() / 2;
    post("/api/feedback", "application/json", bulk(traces.subList(0, half), "wrong"));
    post("/api/feedback", "application/json", bulk(traces.subList(half, traces.size()), "right"));
    JsonObject cmp = c.getJson("/api/models/noise/comparison").getAsJsonObject();
    assertEquals("ok", cmp.get("status").getAsString());
    assertEquals(0, cmp.get("significant").getAsInt(), cmp.toString());
    for (var e : cmp.getAsJsonArray("entries")) {
      assertFalse(e.getAsJsonObject().get("significant").getAsBoolean());
    }
    assertEquals(404, c.get("/api/models/unknown-model/comparison").statusCode());
    assertEquals(400, c.get("/api/models/noise/comparison?limit=0").statusCode());
  }

  @Test
  void evaluationRecordsFromTheOpenTelemetrySdkBecomeFeedback() throws Exception {
    String wrongTrace = ONE.get(1);
    SdkLoggerProvider logging =
        SdkLoggerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(Resource.create(Attributes.of(stringKey("service.name"), "app"))))
            .addLogRecordProcessor(
                SimpleLogRecordProcessor.create(
                    OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(c.otlp("/v1/logs"))
                        .setTimeout(TestCollector.WAIT)
                        .build()))
            .build();
    try {
      // The application's own span in the prediction's trace (another span id), as it would be
      // when it learns the outcome while handling the same request.
      Context inTrace =
          Context.root()
              .with(
                  Span.wrap(
                      SpanContext.create(
                          wrongTrace,
                          "00000000000000aa",
                          TraceFlags.getSampled(),
                          TraceState.getDefault())));
      var logger = logging.get("app");
      logger
          .logRecordBuilder()
          .setContext(inTrace)
          .setEventName("gen_ai.evaluation.result")
          .setAttribute(stringKey("gen_ai.evaluation.name"), "outcome")
          .setAttribute(stringKey("gen_ai.evaluation.score.label"), "Incorrect")
          .setAttribute(doubleKey("gen_ai.evaluation.score.value"), 0.0)
          .setAttribute(stringKey("gen_ai.evaluation.explanation"), "the reviewer rejected it")
          .emit();
      // Another evaluation name, the collector's own verdict name, and an unknown label: ignored.
      for (String[] other :
          new String[][] {
            {"relevance", "wrong"}, {"headwatch.verdict", "anomalous"}, {"outcome", "meh"}
          }) {
        logger
            .logRecordBuilder()
            .setContext(
                Context.root()
                    .with(
                        Span.wrap(
                            SpanContext.create(
                                ONE.get(2),
                                "00000000000000bb",
                                TraceFlags.getSampled(),
                                TraceState.getDefault()))))
            .setEventName("gen_ai.evaluation.result")
            .setAttribute(stringKey("gen_ai.evaluation.name"), other[0])
            .setAttribute(stringKey("gen_ai.evaluation.score.label"), other[1])
            .emit();
      }
      assertTrue(
          logging.forceFlush().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS).isSuccess());
    } finally {
      logging.shutdown().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    // Each record was answered 200 only once stored: no waiting needed.
    JsonObject f =
        c.getJson("/api/predictions/" + wrongTrace).getAsJsonObject().getAsJsonObject("feedback");
    assertEquals("wrong", f.get("label").getAsString());
    assertEquals("otel", f.get("source").getAsString());
    assertEquals("otel", f.get("by").getAsString());
    assertEquals("the reviewer rejected it", f.get("note").getAsString());
    assertTrue(
        c.getJson("/api/predictions/" + ONE.get(2)).getAsJsonObject().get("feedback").isJsonNull());
    assertTrue(
        c.metrics()
                .getOrDefault("headwatch_collector_dropped_total{reason=\"invalid_feedback\"}", 0.0)
            >= 1);
  }
}
