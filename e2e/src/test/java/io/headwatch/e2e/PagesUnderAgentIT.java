package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pages over real data: the semantic-search example (langchain4j, all-MiniLM-L6-v2 on ONNX
 * Runtime) runs under the agent with every inference sampled, sending to the real collector jar; a
 * real headless Chromium then opens the pages as a user would, starting from the collector's most
 * unusual prediction. These are the screenshots README.md and docs/pages.md show (with
 * -Dheadwatch.screenshots=../docs/images).
 */
class PagesUnderAgentIT {
  static final String MODEL = "all-minilm-l6-v2";
  static final int LAYERS = 6;
  static final int HEADS = 12;

  static Path work;
  static CollectorProcess collector;
  static HeadlessChromium chromium;
  static String base;
  static String mostUnusual;

  @BeforeAll
  static void runTheExampleUnderTheAgent() throws Exception {
    HeadlessChromium.requireInstalled();
    work =
        Files.createTempDirectory(
            Path.of(System.getProperty("basedir", "."), "target"), "pages-agent");
    collector =
        CollectorProcess.start(
            work, "--trace-url-template", "http://127.0.0.1:16686/trace/{trace_id}");
    base = "http://127.0.0.1:" + collector.apiPort;
    // One run of the example: every prediction is within the model page's "now" (the last
    // baseline-now, 15 minutes), so the head table has no baseline yet and says so.
    runTheExample();
    // The corpus (336 sentences) and the three queries, scored once the baseline is long enough.
    collector.await(
        Duration.ofSeconds(120),
        "the example's predictions, the most unusual one complete",
        () -> {
          try {
            JsonArray top =
                collector
                    .getJson("/api/predictions?model=" + MODEL + "&limit=1")
                    .getAsJsonObject()
                    .getAsJsonArray("predictions");
            if (top.isEmpty()) {
              return false;
            }
            JsonObject p = top.get(0).getAsJsonObject();
            JsonObject model =
                collector
                    .getJson("/api/models")
                    .getAsJsonObject()
                    .getAsJsonArray("models")
                    .get(0)
                    .getAsJsonObject();
            mostUnusual = p.get("trace_id").getAsString();
            return model.get("predictions").getAsInt() >= 339
                && p.get("has_span").getAsBoolean()
                && p.get("snapshot_count").getAsInt() >= 1
                && !p.get("max_deviation").isJsonNull();
          } catch (Exception | AssertionError e) {
            return false;
          }
        });
    chromium = HeadlessChromium.start(work, 1440, 900);
    chromium.watch(collector::checkAlive);
  }

  /** The semantic-search example under the agent: its corpus (336 sentences) and three queries. */
  static void runTheExample() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.otlpEndpoint());
    env.put("OTEL_SERVICE_NAME", "semantic-search");
    env.put("OTEL_METRIC_EXPORT_INTERVAL", "1000");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
    env.put("OTEL_BLRP_SCHEDULE_DELAY", "200");
    env.put("HEADWATCH_SHUTDOWN_TIMEOUT_MS", "60000");
    ChildJvm app =
        ChildJvm.run(
            List.of(
                "-javaagent:"
                    + ChildJvm.agentJar()
                    + "=sampling.rate=1.0,overhead.budget=none,queue.capacity=1000,maps.all=true,model.name="
                    + MODEL),
            List.of(
                "-jar",
                ChildJvm.requiredProperty("semantic-search.jar"),
                "--query",
                "how do I get my money back",
                "--query",
                "my parcel has not arrived yet",
                "--query",
                "what makes the sky blue"),
            env,
            300);
    assertEquals(0, app.exitCode, app.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void theModelItsHeadsAndItsMostUnusualPredictionShowOnThePages() throws Exception {
    open("/models", "document.querySelectorAll('table.models tbody tr').length === 1");
    assertEquals(
        MODEL, chromium.text("document.querySelector('table.models tbody th').textContent"));
    assertEquals(
        LAYERS + " × " + HEADS, chromium.text("document.querySelector('.shape').textContent"));
    screenshot("models", false);

    // The model's grid: 6 x 12 heads. All the predictions are from the last minute, within
    // "now": the page says that the baseline needs older ones (the heads' values over a longer
    // history are PagesIT's, with chosen timestamps).
    open(
        "/models/" + MODEL,
        "document.querySelectorAll('table.head-grid button.cell').length === " + LAYERS * HEADS);
    assertEquals(
        LAYERS,
        chromium
            .evaluate("document.querySelectorAll('table.head-grid tbody tr').length")
            .getAsInt());
    assertTrue(
        chromium.text("document.querySelector('#heads').textContent").contains("No baseline yet"),
        "the model page explains the empty grid");
    screenshot("model", false);

    // The predictions, most unusual first: the collector's own first.
    open(
        "/predictions?model=" + MODEL,
        "document.querySelectorAll('table.predictions tbody tr').length === 50");
    assertEquals(
        mostUnusual,
        chromium.text("document.querySelector('table.predictions tbody tr').dataset.trace"));
    screenshot("predictions", false);

    // Its page, opened from the list.
    chromium.click("table.predictions tbody tr a.trace-id");
    chromium.waitFor(
        "the most unusual prediction's page",
        "location.pathname === '/predictions/"
            + mostUnusual
            + "' && document.querySelectorAll('#heads button.cell').length === "
            + LAYERS * HEADS
            + " && document.querySelector('#attention-map .absent, #attention-map figure')"
            + " && document.querySelectorAll('#head-detail svg.histogram').length >= 3");
    JsonObject p = collector.getJson("/api/predictions/" + mostUnusual).getAsJsonObject();
    JsonObject stored = p.getAsJsonArray("top_heads").get(0).getAsJsonObject();
    // The collector's most deviant head at arrival is outlined, and chosen first.
    assertTrue(
        chromium
            .evaluate(
                "document.querySelector(\"#heads button.cell[data-layer='"
                    + stored.get("layer").getAsInt()
                    + "'][data-head='"
                    + stored.get("head").getAsInt()
                    + "']\").classList.contains('marked')")
            .getAsBoolean());
    assertEquals(
        "Layer " + stored.get("layer").getAsInt() + ", head " + stored.get("head").getAsInt(),
        chromium.text("document.querySelector('#head-detail h3').textContent"));
    assertEquals(
        LAYERS,
        chromium.evaluate("document.querySelectorAll('#activations tbody tr').length").getAsInt());
    assertTrue(
        chromium
            .text("document.getElementById('summary').textContent")
            .contains("semantic-search"));
    screenshot("prediction", true);
  }

  /**
   * Issue 14's "done when": the prediction page of one of the example's trace ids shows the
   * attention heatmap of layer 0 head 0 with one row and one column per token.
   */
  @Test
  void aPredictionWithAnAttentionMapShowsTheHeatmapOfLayer0Head0() throws Exception {
    String traceId = null;
    int tokens = 0;
    for (JsonElement e :
        collector
            .getJson("/api/predictions?model=" + MODEL + "&limit=200")
            .getAsJsonObject()
            .getAsJsonArray("predictions")) {
      String t = e.getAsJsonObject().get("trace_id").getAsString();
      JsonArray maps =
          collector.getJson("/api/predictions/" + t).getAsJsonObject().getAsJsonArray("maps");
      if (!maps.isEmpty()) {
        traceId = t;
        tokens = maps.get(0).getAsJsonObject().get("tokens").getAsInt();
        break;
      }
    }
    assertTrue(traceId != null, "no prediction of the example has an attention map");
    open(
        "/predictions/" + traceId + "?layer=0&head=0",
        "document.querySelector('#attention-map figure.heatmap')");
    assertEquals(
        String.valueOf(tokens),
        chromium.text("document.querySelector('figure.heatmap').dataset.rows"));
    assertEquals(
        String.valueOf(tokens),
        chromium.text("document.querySelector('figure.heatmap').dataset.cols"));
    assertEquals(
        tokens, chromium.evaluate("document.querySelectorAll('.hm-row-label').length").getAsInt());
    assertEquals(
        tokens, chromium.evaluate("document.querySelectorAll('.hm-col-label').length").getAsInt());
    screenshot("attention-heatmap-minilm", false);
  }

  /** [layer, head] of the grid cell with the largest value. */
  static JsonArray mostDeviantCell(String grid) {
    return chromium
        .evaluate(
            "(() => { const c = Array.from(document.querySelectorAll('"
                + grid
                + " button.cell')).filter(b => b.dataset.value !== '')"
                + ".sort((a, b) => Number(b.dataset.value) - Number(a.dataset.value))[0];"
                + " return [Number(c.dataset.layer), Number(c.dataset.head)]; })()")
        .getAsJsonArray();
  }

  static void open(String path, String ready) throws Exception {
    long start = System.nanoTime();
    chromium.navigate(base + path);
    chromium.waitFor(path + " rendered", ready);
    System.out.println(
        "[pages, real data] "
            + path
            + " ready in "
            + (System.nanoTime() - start) / 1_000_000
            + " ms");
  }

  static void screenshot(String name, boolean fullPage) throws Exception {
    Path file =
        Path.of(System.getProperty("basedir", "."), "target", "pages-screenshots", name + ".png");
    chromium.evaluate("window.scrollTo(0, 0)");
    chromium.movePointer(0, 0);
    chromium.screenshot(file, fullPage);
    String docs = System.getProperty("headwatch.screenshots");
    if (docs != null && !docs.isBlank()) {
      Path dir = Path.of(System.getProperty("basedir", ".")).resolve(docs).normalize();
      Files.createDirectories(dir);
      Files.copy(file, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
