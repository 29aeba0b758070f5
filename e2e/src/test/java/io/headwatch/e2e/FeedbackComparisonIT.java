package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.e2e.faults.Fault;
import io.headwatch.e2e.faults.ModelProbe;
import io.headwatch.e2e.faults.OnnxModelEditor;
import io.headwatch.e2e.faults.PredictionFeatures;
import io.headwatch.e2e.faults.TransformerLayout;
import io.headwatch.e2e.faults.WordPieceTokenizer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's acceptance test. A mixture of all-MiniLM-L6-v2 predictions under one model name: half
 * made by the real model ("right"), half by a copy whose layer 1, head 7 queries are scaled by 4
 * ("wrong"), edited at run time in the ONNX weights. Each runs in-process in ONNX Runtime, the
 * agent's own statistics classes reduce it, and the real OpenTelemetry SDK sends it to the real
 * collector jar as the agent would (an inference span with a snapshot record). The test labels the
 * predictions through the API, and the collector's comparison must rank layer 1 head 7 first,
 * significantly. Then the labels are shuffled (seeded) and re-posted (replacing the first ones): no
 * entry may reach the significance level.
 */
class FeedbackComparisonIT {
  private static final String MODEL = "all-minilm-l6-v2";
  private static final Fault FAULT = Fault.queryScale(1, 7, 4f);
  private static final int PER_GROUP = 50;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();

  @Test
  void theEditedHeadRanksFirstAndShuffledLabelsFindNothing(@TempDir Path dir) throws Exception {
    byte[] base;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      assertTrue(in != null, "all-minilm-l6-v2.onnx (langchain4j) is not on the class path");
      base = in.readAllBytes();
    }
    WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();
    List<String> sentences = sentences();
    OnnxModelEditor clean = OnnxModelEditor.of(base);
    TransformerLayout layout = TransformerLayout.of(clean);
    OnnxModelEditor edited = OnnxModelEditor.of(base);
    FAULT.apply(edited, layout, 12);

    // Alternate sentences between the two models, so that both groups cover the same lengths.
    List<PredictionFeatures> right = new ArrayList<>();
    List<PredictionFeatures> wrong = new ArrayList<>();
    try (ModelProbe cleanProbe = new ModelProbe(clean, layout);
        ModelProbe editedProbe = new ModelProbe(edited, layout)) {
      for (int i = 0; i < 2 * PER_GROUP; i++) {
        WordPieceTokenizer.Encoding e = tokenizer.encode(sentences.get(i));
        if (i % 2 == 0) {
          right.add(cleanProbe.run(e));
        } else {
          wrong.add(editedProbe.run(e));
        }
      }
    }

    try (CollectorProcess collector = CollectorProcess.start(dir)) {
      List<String> rightTraces = new ArrayList<>();
      List<String> wrongTraces = new ArrayList<>();
      try (SdkFeed feed = new SdkFeed(collector.otlpEndpoint(), "support-bot")) {
        for (int i = 0; i < PER_GROUP; i++) {
          rightTraces.add(feed.send(prediction(right.get(i))));
          wrongTraces.add(feed.send(prediction(wrong.get(i))));
        }
        feed.flush();
      }
      collector.await(
          Duration.ofSeconds(120),
          "all " + 2 * PER_GROUP + " predictions stored with their snapshots",
          () -> {
            try {
              JsonArray list =
                  collector
                      .getJson("/api/predictions?model=" + MODEL + "&limit=1000")
                      .getAsJsonObject()
                      .getAsJsonArray("predictions");
              int withSnapshot = 0;
              for (JsonElement p : list) {
                withSnapshot += p.getAsJsonObject().get("snapshot_count").getAsInt() > 0 ? 1 : 0;
              }
              return withSnapshot == 2 * PER_GROUP;
            } catch (Exception e) {
              return false;
            }
          });

      JsonObject labelled = label(collector, wrongTraces, rightTraces);
      assertEquals(2 * PER_GROUP, labelled.get("applied").getAsInt(), labelled.toString());

      JsonObject cmp = collector.getJson("/api/models/" + MODEL + "/comparison").getAsJsonObject();
      System.out.println("[feedback] true labels: " + summary(cmp));
      assertEquals("ok", cmp.get("status").getAsString(), cmp.toString());
      assertEquals(PER_GROUP, cmp.getAsJsonObject("labelled").get("wrong").getAsInt());
      JsonObject top = cmp.getAsJsonArray("entries").get(0).getAsJsonObject();
      assertEquals(1, top.get("layer").getAsInt(), top.toString());
      assertEquals(7, top.get("head").getAsInt(), top.toString());
      assertTrue(top.get("significant").getAsBoolean(), top.toString());
      JsonObject evidence = cmp.getAsJsonArray("evidence").get(0).getAsJsonObject();
      assertEquals(7, evidence.get("head").getAsInt());
      assertEquals(PER_GROUP, evidence.getAsJsonObject("wrong").get("count").getAsInt());

      // Shuffled labels, the same predictions: the labels say nothing about the model any more.
      List<String> all = new ArrayList<>(wrongTraces);
      all.addAll(rightTraces);
      Collections.shuffle(all, new Random(15));
      JsonObject relabelled =
          label(collector, all.subList(0, PER_GROUP), all.subList(PER_GROUP, 2 * PER_GROUP));
      assertEquals(2 * PER_GROUP, relabelled.get("applied").getAsInt());
      JsonObject shuffled =
          collector.getJson("/api/models/" + MODEL + "/comparison").getAsJsonObject();
      System.out.println("[feedback] shuffled labels: " + summary(shuffled));
      assertEquals("ok", shuffled.get("status").getAsString());
      assertEquals(PER_GROUP, shuffled.getAsJsonObject("labelled").get("wrong").getAsInt());
      assertEquals(0, shuffled.get("significant").getAsInt(), summary(shuffled));
      for (JsonElement e : shuffled.getAsJsonArray("entries")) {
        assertFalse(e.getAsJsonObject().get("significant").getAsBoolean(), e.toString());
      }
      collector.checkAlive();
    }
  }

  /** What the agent would send for one sequence. */
  private static SdkFeed.Prediction prediction(PredictionFeatures f) {
    Map<String, double[]> attention = new LinkedHashMap<>();
    for (int s = 0; s < AttentionStatistics.COUNT; s++) {
      attention.put(AttentionStatistics.name(s), f.attention()[s]);
    }
    attention.put("output_norm", f.headOutputNorm());
    Map<String, double[]> activation = new LinkedHashMap<>();
    for (int s = 0; s < PredictionFeatures.ACTIVATION_NAMES.length; s++) {
      activation.put(PredictionFeatures.ACTIVATION_NAMES[s], f.activation()[s]);
    }
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < f.tokens(); i++) {
      tokens.add("t" + i);
    }
    return new SdkFeed.Prediction(
        MODEL, f.layers(), f.heads(), attention, activation, tokens, Map.of());
  }

  private static JsonObject label(
      CollectorProcess collector, List<String> wrong, List<String> right) throws Exception {
    StringBuilder sb = new StringBuilder("{\"items\":[");
    String sep = "";
    for (String t : wrong) {
      sb.append(sep).append("{\"trace_id\":\"").append(t).append("\",\"label\":\"wrong\"}");
      sep = ",";
    }
    for (String t : right) {
      sb.append(sep)
          .append("{\"trace_id\":\"")
          .append(t)
          .append("\",\"label\":\"right\",\"by\":\"e2e\"}");
    }
    sb.append("]}");
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + collector.apiPort + "/api/feedback"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(sb.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  private static String summary(JsonObject cmp) {
    StringBuilder sb =
        new StringBuilder()
            .append("tested ")
            .append(cmp.get("tested"))
            .append(", significant ")
            .append(cmp.get("significant"))
            .append("; top:");
    JsonArray entries = cmp.getAsJsonArray("entries");
    for (int i = 0; i < Math.min(5, entries.size()); i++) {
      JsonObject e = entries.get(i).getAsJsonObject();
      sb.append(
          String.format(
              " L%sH%s %s %s auc %s q %s;",
              e.get("layer"),
              e.get("head"),
              e.get("site").getAsString(),
              e.get("statistic").getAsString(),
              e.get("auc"),
              e.get("q_value")));
    }
    return sb.toString();
  }

  private static List<String> sentences() throws Exception {
    try (InputStream in =
        FeedbackComparisonIT.class.getClassLoader().getResourceAsStream("feedback/sentences.txt")) {
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String s = line.strip();
        if (!s.isEmpty() && !s.startsWith("#")) {
          out.add(s);
        }
      }
      return out;
    }
  }
}
