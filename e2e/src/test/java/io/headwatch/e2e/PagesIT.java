package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The collector's pages in a real headless Chromium, fed through the real OpenTelemetry SDK with
 * values this test chose: 60 ordinary predictions of a 6 x 12 model, then one whose layer 3 head 7
 * has a far lower entropy and whose layers 4 and 5 report non-finite activations, and a model whose
 * name, tokens and span attribute are HTML. Expected values are computed here from what was sent,
 * not read back from the collector. Screenshots go to target/pages-screenshots, and to docs/images
 * with -Dheadwatch.screenshots=../docs/images.
 */
class PagesIT {
  static final String MODEL = "synthetic-encoder";
  static final String SERVICE = "pages-it";
  static final String XSS_MODEL = "<img src=x onerror=alert(1)>";
  static final String XSS_SERVICE = "pages-it-xss";
  static final List<String> XSS_TOKENS =
      List.of("<script>alert(2)</script>", "<img src=y onerror=alert(3)>", "&amp;");
  static final String XSS_ATTRIBUTE = "<svg onload=alert(4)>";
  static final String TRACE_TEMPLATE = "http://tracing.example/trace/{trace_id}";
  static final int LAYERS = 6;
  static final int HEADS = 12;
  static final int NORMAL = 60;
  static final int RECENT = 10;
  static final List<String> STATISTICS =
      List.of(
          "entropy",
          "max_weight",
          "sink_mass",
          "last_token_mass",
          "self_mass",
          "previous_mass",
          "next_mass",
          "mean_distance");
  static final List<String> ODD_TOKENS =
      List.of("[CLS]", "how", "do", "i", "get", "<b>my</b>", "money", "back", "[SEP]");
  static final List<String> WORDS =
      List.of("refund", "order", "late", "card", "address", "change", "cancel", "help", "price");

  static Path work;
  static CollectorProcess collector;
  static HeadlessChromium chromium;
  static String base;
  static String oddTrace;
  static String xssTrace;
  static final List<Map<String, double[]>> normalAttention = new ArrayList<>();
  static Map<String, double[]> oddActivation;

  @BeforeAll
  static void feedTheCollectorAndStartTheBrowser() throws Exception {
    HeadlessChromium.requireInstalled();
    work =
        Files.createTempDirectory(Path.of(System.getProperty("basedir", "."), "target"), "pages");
    collector = CollectorProcess.start(work, "--trace-url-template", TRACE_TEMPLATE);
    base = "http://127.0.0.1:" + collector.apiPort;
    Random random = new Random(14);
    try (SdkFeed feed = new SdkFeed(collector.otlpEndpoint(), SERVICE)) {
      for (int n = 0; n < NORMAL; n++) {
        Map<String, double[]> attention = attention(random, false);
        normalAttention.add(attention);
        List<String> tokens = new ArrayList<>(List.of("[CLS]"));
        for (int t = 0; t < 3 + n % 8; t++) {
          tokens.add(WORDS.get(random.nextInt(WORDS.size())));
        }
        tokens.add("[SEP]");
        // The first NORMAL + 1 - RECENT predictions were made an hour ago (the baseline); the
        // rest now, within the head table's "now" (baseline-now, 15 minutes by default).
        feed.send(
            new SdkFeed.Prediction(
                MODEL,
                LAYERS,
                HEADS,
                attention,
                activation(random, false),
                tokens,
                Map.of("headwatch.framework", "onnxruntime"),
                n < NORMAL + 1 - RECENT ? Instant.now().minus(Duration.ofHours(1)) : null));
        // In order: the baseline window is filled in arrival order.
        feed.flush();
      }
      oddActivation = activation(random, true);
      oddTrace =
          feed.send(
              new SdkFeed.Prediction(
                  MODEL,
                  LAYERS,
                  HEADS,
                  attention(random, true),
                  oddActivation,
                  ODD_TOKENS,
                  Map.of("headwatch.framework", "onnxruntime"),
                  mapU8(ODD_TOKENS.size())));
      feed.flush();
    }
    try (SdkFeed feed = new SdkFeed(collector.otlpEndpoint(), XSS_SERVICE)) {
      for (int n = 0; n < 3; n++) {
        xssTrace =
            feed.send(
                new SdkFeed.Prediction(
                    XSS_MODEL,
                    2,
                    2,
                    Map.of("entropy", new double[] {0.5, 0.6, 0.7, 0.8}),
                    Map.of("std", new double[] {0.4, 0.5}),
                    XSS_TOKENS,
                    Map.of("headwatch.note", XSS_ATTRIBUTE)));
      }
      feed.flush();
    }
    collector.await(
        Duration.ofSeconds(90),
        "all predictions stored, with spans, the odd one scored",
        () -> {
          try {
            JsonObject odd = collector.getJson("/api/predictions/" + oddTrace).getAsJsonObject();
            JsonObject xss = collector.getJson("/api/predictions/" + xssTrace).getAsJsonObject();
            JsonArray models =
                collector.getJson("/api/models").getAsJsonObject().getAsJsonArray("models");
            long stored = 0;
            for (JsonElement m : models) {
              stored += m.getAsJsonObject().get("predictions").getAsLong();
            }
            return stored == NORMAL + 1 + 3
                && odd.get("has_span").getAsBoolean()
                && odd.getAsJsonArray("maps").size() == 1
                && !odd.get("max_deviation").isJsonNull()
                && xss.get("has_span").getAsBoolean();
          } catch (Exception | AssertionError e) {
            return false;
          }
        });
    chromium = HeadlessChromium.start(work, 1440, 900);
    chromium.watch(collector::checkAlive);
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

  @AfterEach
  void noDialogsNoErrors() {
    List<String> dialogs = List.copyOf(chromium.dialogs);
    List<String> problems = List.copyOf(chromium.problems);
    chromium.dialogs.clear();
    chromium.problems.clear();
    assertEquals(List.of(), dialogs, "the page opened dialogs");
    assertEquals(List.of(), problems, "script errors or policy violations on the page");
  }

  /** Per statistic, layers x heads values around a fixed pattern; the odd one moves L3 H7. */
  static Map<String, double[]> attention(Random random, boolean odd) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (int s = 0; s < STATISTICS.size(); s++) {
      double[] v = new double[LAYERS * HEADS];
      for (int l = 0; l < LAYERS; l++) {
        for (int h = 0; h < HEADS; h++) {
          double centre = 0.2 + 0.6 * ((l * HEADS + h * 7 + s * 3) % 11) / 11.0;
          v[l * HEADS + h] = centre + 0.01 * random.nextGaussian();
          if (odd && s == 0 && l == 3 && h == 7) {
            v[l * HEADS + h] = centre - 0.4;
          }
        }
      }
      out.put(STATISTICS.get(s), v);
    }
    return out;
  }

  /** The key token (layer, head) attends to most from query q: a different diagonal per head. */
  static int strongestKey(int layer, int head, int q, int n) {
    return (q + layer + head) % n;
  }

  /** u8 maps: 0.6 of each row on its strongest key, the rest spread evenly over the others. */
  static byte[] mapU8(int n) {
    byte[] b = new byte[LAYERS * HEADS * n * n];
    int i = 0;
    for (int l = 0; l < LAYERS; l++) {
      for (int h = 0; h < HEADS; h++) {
        for (int q = 0; q < n; q++) {
          for (int k = 0; k < n; k++) {
            double w = k == strongestKey(l, h, q, n) ? 0.6 : 0.4 / (n - 1);
            b[i++] = (byte) Math.round(w * 255);
          }
        }
      }
    }
    return b;
  }

  static Map<String, double[]> activation(Random random, boolean odd) {
    double[] mean = new double[LAYERS];
    double[] std = new double[LAYERS];
    double[] absMax = new double[LAYERS];
    double[] nonfinite = new double[LAYERS];
    for (int l = 0; l < LAYERS; l++) {
      mean[l] = 0.01 * random.nextGaussian();
      std[l] = 0.4 + 0.1 * l + 0.01 * random.nextGaussian();
      absMax[l] = 5 + 3 * l + 0.5 * random.nextGaussian();
      nonfinite[l] = odd && l >= 4 ? 2 : 0;
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    out.put("mean", mean);
    out.put("std", std);
    out.put("abs_max", absMax);
    out.put("nonfinite", nonfinite);
    return out;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Loads a page and waits until its content is there; returns the milliseconds it took. */
  static long open(String path, String readyCondition) throws Exception {
    long start = System.nanoTime();
    chromium.navigate(base + path);
    chromium.waitFor(path + " rendered", readyCondition);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("[pages] " + path + " ready in " + millis + " ms");
    return millis;
  }

  static void screenshot(String name, boolean fullPage) throws Exception {
    Path file =
        Path.of(System.getProperty("basedir", "."), "target", "pages-screenshots", name + ".png");
    chromium.evaluate("window.scrollTo(0, 0)");
    chromium.movePointer(0, 0);
    chromium.screenshot(file, fullPage);
    String docs = System.getProperty("headwatch.screenshots");
    // The synthetic pages stay in target/; the docs show PagesUnderAgentIT's, from real data.
    if (docs != null && !docs.isBlank() && !name.startsWith("synthetic-")) {
      Path dir = Path.of(System.getProperty("basedir", ".")).resolve(docs).normalize();
      Files.createDirectories(dir);
      Files.copy(file, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String js(String s) {
    return HeadlessChromium.jsString(s);
  }

  @Test
  void modelsPageListsEachModelWithItsShape() throws Exception {
    open("/models", "document.querySelectorAll('table.models tbody tr').length === 2");
    JsonArray rows =
        chromium
            .evaluate(
                "Array.from(document.querySelectorAll('table.models tbody tr')).map(r =>"
                    + " [r.querySelector('th').textContent, r.querySelector('.shape').textContent,"
                    + " r.cells[3].textContent])")
            .getAsJsonArray();
    Map<String, String> shapes = new LinkedHashMap<>();
    for (JsonElement r : rows) {
      JsonArray a = r.getAsJsonArray();
      shapes.put(a.get(0).getAsString(), a.get(1).getAsString());
    }
    assertEquals(Map.of(MODEL, "6 × 12", XSS_MODEL, "2 × 2"), shapes);
    assertEquals(
        String.valueOf(NORMAL + 1),
        chromium.text(
            "document.querySelector('tr[data-model="
                + js(MODEL)
                + "] td:nth-of-type(4)')"
                + ".textContent"));
    screenshot("synthetic-models", false);
  }

  @Test
  void modelPageShowsEveryHeadAndOneHeadsBaselineByKeyboard() throws Exception {
    open(
        "/models/" + MODEL,
        "document.querySelectorAll('table.head-grid button.cell').length === 72");
    assertEquals(
        LAYERS,
        chromium
            .evaluate("document.querySelectorAll('table.head-grid tbody tr').length")
            .getAsInt());
    assertEquals(
        "6 × 12",
        chromium.text(
            "Array.from(document.querySelectorAll('.facts div')).find(d =>"
                + " d.querySelector('dt').textContent === 'layers × heads')"
                + ".querySelector('dd').textContent"));

    // Keyboard only: into the grid, three rows down, seven heads right, Enter.
    chromium.focus("table.head-grid button.cell[tabindex='0']");
    for (int i = 0; i < 3; i++) {
      chromium.press("ArrowDown");
    }
    for (int i = 0; i < 7; i++) {
      chromium.press("ArrowRight");
    }
    chromium.press("Enter");
    chromium.waitFor(
        "the head's numbers",
        "document.querySelector('#head-detail h3').textContent === 'Layer 3, head 7'");
    assertEquals(
        "true",
        chromium.text(
            "document.querySelector('button.cell[data-layer=\"3\"][data-head=\"7\"]')"
                + ".getAttribute('aria-pressed')"));

    // The baseline is the window's snapshots older than "now": the first ones sent.
    double[] entropy = new double[NORMAL + 1 - RECENT];
    for (int n = 0; n < entropy.length; n++) {
      entropy[n] = normalAttention.get(n).get("entropy")[3 * HEADS + 7];
    }
    double expectedMedian = median(entropy);
    double shown =
        Double.parseDouble(
            chromium.text(
                "document.querySelector('#head-detail tr[data-statistic=\"entropy\"]')"
                    + ".cells[2].textContent"));
    assertEquals(expectedMedian, shown, 5e-4 * Math.abs(expectedMedian), "baseline median");
    // The distributions arrive after the numbers: baseline and now for each statistic.
    chromium.waitFor(
        "the head's distributions",
        "document.querySelectorAll('#head-detail svg.histogram').length === " + STATISTICS.size());
    String said =
        chromium.text(
            "document.querySelector('#head-detail tr[data-statistic=\"entropy\"] svg.histogram')"
                + ".getAttribute('aria-label')");
    assertTrue(said.startsWith("baseline: " + (NORMAL + 1 - RECENT) + " values, median "), said);
    double pictured =
        Double.parseDouble(
            said.substring(
                said.indexOf("median ") + 7, said.indexOf(',', said.indexOf("median "))));
    assertEquals(expectedMedian, pictured, 5e-4 * Math.abs(expectedMedian), "pictured median");
    assertTrue(said.contains("now: " + RECENT + " values"), said);

    chromium.evaluate(
        "(() => { const s = document.getElementById('statistic'); s.value = 'entropy';"
            + " s.dispatchEvent(new Event('change')); })()");
    chromium.waitFor(
        "the grid redrawn for entropy",
        "document.querySelector('table.head-grid caption').textContent.includes('(entropy)')");
    assertTrue(chromium.text("location.search").contains("statistic=entropy"));
    chromium.click("button.cell[data-layer='3'][data-head='7']");
    chromium.waitFor(
        "the head's numbers after a click",
        "document.querySelector('#head-detail h3').textContent === 'Layer 3, head 7'");
    screenshot("synthetic-model", false);
  }

  @Test
  void predictionsPageRanksTheOddOneFirstFiltersAndTakesATraceId() throws Exception {
    open(
        "/predictions?model=" + MODEL,
        "document.querySelectorAll('table.predictions tbody tr').length > 0");
    assertEquals(
        oddTrace,
        chromium.text("document.querySelector('table.predictions tbody tr').dataset.trace"));
    assertEquals(
        List.of(MODEL),
        distinct(
            "Array.from(document.querySelectorAll('table.predictions tbody tr'))"
                + ".map(r => r.cells[1].textContent)"));
    screenshot("synthetic-predictions", false);

    open(
        "/predictions?order=time&service=" + XSS_SERVICE,
        "document.querySelectorAll('table.predictions tbody tr').length > 0");
    assertEquals(
        List.of(XSS_SERVICE),
        distinct(
            "Array.from(document.querySelectorAll('table.predictions tbody tr'))"
                + ".map(r => r.cells[2].textContent)"));
    assertEquals(
        3,
        chromium
            .evaluate("document.querySelectorAll('table.predictions tbody tr').length")
            .getAsInt());

    // A time range in epoch milliseconds, as Grafana's data links give it.
    long now = System.currentTimeMillis();
    open(
        "/predictions?model=" + MODEL + "&from=" + (now - 3_600_000) + "&to=" + (now + 3_600_000),
        "document.querySelectorAll('table.predictions tbody tr').length > 0");
    assertTrue(chromium.text("document.getElementById('f-from').value").matches("\\d{4}-.*"));
    open(
        "/predictions?model=" + MODEL + "&from=" + (now + 3_600_000),
        "document.getElementById('result-count').textContent.startsWith('0 shown')");

    // The trace box: a wrong value is explained, a trace id (any case) opens its page.
    chromium.focus("#trace-box");
    chromium.type("not a trace");
    chromium.press("Enter");
    chromium.waitFor(
        "the trace box's message",
        "document.getElementById('trace-error').textContent.includes('32 hexadecimal digits')");
    chromium.evaluate("document.getElementById('trace-box').value = ''");
    chromium.type(oddTrace.toUpperCase());
    chromium.press("Enter");
    chromium.waitFor(
        "the prediction page opened from the trace box",
        "location.pathname === " + js("/predictions/" + oddTrace));
  }

  @Test
  void predictionPageShowsItsHeadsActivationsTokensAndLinks() throws Exception {
    open(
        "/predictions/" + oddTrace,
        "document.querySelectorAll('#heads button.cell').length === 72"
            + " && document.querySelector('#attention-map .absent, #attention-map figure')");
    JsonArray top =
        chromium
            .evaluate(
                "(() => { const c = Array.from(document.querySelectorAll('#heads button.cell'))"
                    + ".filter(b => b.dataset.value !== '')"
                    + ".sort((a, b) => Number(b.dataset.value) - Number(a.dataset.value))[0];"
                    + " return [Number(c.dataset.layer), Number(c.dataset.head),"
                    + " c.classList.contains('marked')]; })()")
            .getAsJsonArray();
    assertEquals(3, top.get(0).getAsInt(), "layer of the most deviant head");
    assertEquals(7, top.get(1).getAsInt(), "head of the most deviant head");
    assertTrue(top.get(2).getAsBoolean(), "the collector's own ranking marks it too");
    assertEquals(
        "Layer 3, head 7", chromium.text("document.querySelector('#head-detail h3').textContent"));
    assertEquals("3", chromium.text("document.getElementById('map-layer').value"));
    assertEquals("7", chromium.text("document.getElementById('map-head').value"));

    assertEquals(
        LAYERS,
        chromium.evaluate("document.querySelectorAll('#activations tbody tr').length").getAsInt());
    assertTrue(
        chromium
            .text("document.querySelector('#activations .problem').textContent")
            .contains("first appear in layer 4"));
    double absMax2 =
        Double.parseDouble(
            chromium.text(
                "document.querySelector('#activations tr[data-layer=\"2\"]')"
                    + ".cells[3].textContent"));
    assertEquals(oddActivation.get("abs_max")[2], absMax2, 1e-3 * oddActivation.get("abs_max")[2]);

    assertEquals(
        ODD_TOKENS,
        strings("Array.from(document.querySelectorAll('ol.tokens .tok')).map(t => t.textContent)"));
    assertEquals(
        TRACE_TEMPLATE.replace("{trace_id}", oddTrace),
        chromium.text("document.getElementById('trace-link').href"));
    assertTrue(
        chromium
            .text("document.getElementById('attributes').textContent")
            .contains("headwatch.framework"));
    screenshot("synthetic-prediction", true);

    // Choosing another head by mouse updates the map's controls and the address.
    chromium.click("#heads button.cell[data-layer='0'][data-head='0']");
    chromium.waitFor(
        "layer 0 head 0 chosen",
        "document.querySelector('#head-detail h3').textContent === 'Layer 0, head 0'"
            + " && document.getElementById('map-layer').value === '0'"
            + " && location.search.includes('layer=0&head=0')");
  }

  @Test
  void predictionPageShowsTheAttentionMapOfAChosenHeadAsHeatmapAndLines() throws Exception {
    int n = ODD_TOKENS.size();
    open(
        "/predictions/" + oddTrace + "?layer=0&head=0",
        "document.querySelector('#attention-map figure.heatmap')");
    assertEquals("0", chromium.text("document.getElementById('map-layer').value"));
    assertEquals("0", chromium.text("document.getElementById('map-head').value"));
    // One row and one column per token, labelled with the tokens, as text.
    assertEquals(
        String.valueOf(n), chromium.text("document.querySelector('figure.heatmap').dataset.rows"));
    assertEquals(
        String.valueOf(n), chromium.text("document.querySelector('figure.heatmap').dataset.cols"));
    assertEquals(
        ODD_TOKENS,
        strings("Array.from(document.querySelectorAll('.hm-row-label')).map(e => e.textContent)"));
    assertEquals(
        ODD_TOKENS,
        strings("Array.from(document.querySelectorAll('.hm-col-label')).map(e => e.textContent)"));
    assertEquals(strongestKeys(0, 0, n), darkestCells(n), "layer 0 head 0");
    screenshotOf("#attention", "attention-heatmap");

    // Another head through the controls: its own diagonal.
    chromium.evaluate(
        "(() => { const s = document.getElementById('map-layer'); s.value = '1';"
            + " s.dispatchEvent(new Event('change'));"
            + " const t = document.getElementById('map-head'); t.value = '2';"
            + " t.dispatchEvent(new Event('change')); })()");
    chromium.waitFor(
        "the map of layer 1 head 2",
        "document.querySelector('.map-facts').textContent.startsWith('Layer 1, head 2')");
    assertEquals(strongestKeys(1, 2, n), darkestCells(n), "layer 1 head 2");

    // Keyboard: the map reads a cell out.
    // (the first arrow shows the first cell, the next ones move)
    chromium.focus("canvas.hm-canvas");
    chromium.press("ArrowRight");
    chromium.press("ArrowRight");
    chromium.press("ArrowDown");
    chromium.waitFor(
        "the cell's readout",
        "document.querySelector('.heatmap .readout').textContent.startsWith('Token 1 “how”"
            + " attends to token 1 “how”')");

    // The line view: tokens on both sides, a focused token shows its strongest key.
    chromium.click("#view-lines");
    chromium.waitFor(
        "the line view", "document.querySelectorAll('svg.lines text.tok').length === " + 2 * n);
    assertTrue(
        chromium.evaluate("document.querySelectorAll('svg.lines line.ln').length").getAsInt() >= n);
    chromium.focus("svg.lines text.tok[data-side='q'][data-i='0']");
    String strongest = ODD_TOKENS.get(strongestKey(1, 2, 0, n));
    chromium.waitFor(
        "the readout of token 0",
        "document.querySelector('.lineview .readout').textContent.includes('attends most to “"
            + strongest
            + "”')");
    assertTrue(chromium.text("location.search").contains("view=lines"));
    screenshotOf("#attention", "attention-lines");
  }

  /** For each row of the heatmap, the column whose cell is darkest (read from the canvas). */
  static List<Integer> darkestCells(int n) {
    List<Integer> out = new ArrayList<>();
    JsonArray rows =
        chromium
            .evaluate(
                "(() => { const c = document.querySelector('canvas.hm-canvas');"
                    + " const x = c.getContext('2d'); const cell = c.width / "
                    + n
                    + "; const out = [];"
                    + " for (let i = 0; i < "
                    + n
                    + "; i++) { let best = -1, dark = 1e9;"
                    + " for (let j = 0; j < "
                    + n
                    + "; j++) {"
                    + " const p = x.getImageData(Math.floor(j * cell + cell / 2),"
                    + " Math.floor(i * cell + cell / 2), 1, 1).data;"
                    + " const l = p[0] + p[1] + p[2]; if (l < dark) { dark = l; best = j; } }"
                    + " out.push(best); } return out; })()")
            .getAsJsonArray();
    rows.forEach(e -> out.add(e.getAsInt()));
    return out;
  }

  static List<Integer> strongestKeys(int layer, int head, int n) {
    List<Integer> out = new ArrayList<>();
    for (int q = 0; q < n; q++) {
      out.add(strongestKey(layer, head, q, n));
    }
    return out;
  }

  static void screenshotOf(String selector, String name) throws Exception {
    Path file =
        Path.of(System.getProperty("basedir", "."), "target", "pages-screenshots", name + ".png");
    chromium.movePointer(0, 0);
    chromium.screenshotElement(selector, file);
    String docs = System.getProperty("headwatch.screenshots");
    if (docs != null && !docs.isBlank()) {
      Path dir = Path.of(System.getProperty("basedir", ".")).resolve(docs).normalize();
      Files.createDirectories(dir);
      Files.copy(file, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void feedbackButtonsLabelAPredictionAndTheComparisonPageRanksAndLinks() throws Exception {
    List<String> traces = new ArrayList<>();
    for (JsonElement p :
        collector
            .getJson("/api/predictions?order=time&limit=1000&model=" + MODEL)
            .getAsJsonObject()
            .getAsJsonArray("predictions")) {
      String t = p.getAsJsonObject().get("trace_id").getAsString();
      if (!t.equals(oddTrace)) {
        traces.add(t);
      }
    }
    String marked = traces.get(0);
    open(
        "/predictions/" + marked,
        "document.getElementById('mark-wrong')"
            + " && document.getElementById('feedback-status').textContent === 'Not marked yet.'");
    chromium.click("#feedback-note");
    chromium.type("answered in the wrong language");
    chromium.click("#mark-wrong");
    chromium.waitFor(
        "the label saved and shown",
        "document.getElementById('feedback-status').textContent"
            + " === 'Marked wrong: “answered in the wrong language”.'");
    JsonObject f =
        collector
            .getJson("/api/predictions/" + marked)
            .getAsJsonObject()
            .getAsJsonObject("feedback");
    assertEquals("wrong", f.get("label").getAsString());
    assertEquals("answered in the wrong language", f.get("note").getAsString());

    // 24 more wrong and 25 right through the API: the comparison page has enough to rank.
    StringBuilder body = new StringBuilder("{\"items\":[");
    for (int i = 1; i <= 49; i++) {
      body.append(i == 1 ? "" : ",")
          .append("{\"trace_id\":\"")
          .append(traces.get(i))
          .append("\",\"label\":\"")
          .append(i <= 24 ? "wrong" : "right")
          .append("\"}");
    }
    body.append("]}");
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/feedback"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());

    open(
        "/models/" + MODEL,
        "document.getElementById('comparison-link') && document.querySelector('#heads')");
    chromium.click("#comparison-link");
    chromium.waitFor(
        "the comparison page with its ranking and evidence",
        "location.pathname === '/models/"
            + MODEL
            + "/comparison'"
            + " && document.querySelectorAll('#ranking-table tbody tr').length === 50"
            + " && document.querySelectorAll('figure.evidence svg.histogram').length === 5");
    JsonObject api = collector.getJson("/api/models/" + MODEL + "/comparison").getAsJsonObject();
    JsonObject first = api.getAsJsonArray("entries").get(0).getAsJsonObject();
    assertEquals(
        List.of(
            first.get("layer").getAsString(),
            first.get("head").getAsString(),
            first.get("statistic").getAsString()),
        strings(
            "(() => { const r = document.querySelector('#ranking-table tbody tr');"
                + " return [r.dataset.layer, r.dataset.head, r.dataset.statistic]; })()"));
    assertTrue(
        chromium.text("document.getElementById('wrong-link').textContent").startsWith("25 "));
    screenshot("comparison", true);
    chromium.click("#wrong-link");
    chromium.waitFor(
        "the predictions marked wrong",
        "location.search.includes('feedback=wrong')"
            + " && document.querySelectorAll('table.predictions tbody tr').length === 25");
    assertEquals("wrong", chromium.text("document.getElementById('f-feedback').value"));
  }

  @Test
  void aCollectorWithAnApiTokenAsksForItAndKeepsItForTheTab() throws Exception {
    Path dir = Files.createTempDirectory(work, "token");
    try (CollectorProcess locked =
        CollectorProcess.start(dir, "--api-token", "s3cret-t0ken-for-pages")) {
      String lockedBase = "http://127.0.0.1:" + locked.apiPort;
      chromium.navigate(lockedBase + "/models");
      chromium.waitFor("the token form", "document.getElementById('api-token')");
      assertTrue(
          chromium
              .text("document.getElementById('token-needed').textContent")
              .contains("only with its API token"));
      chromium.focus("#api-token");
      chromium.type("wrong");
      chromium.press("Enter");
      chromium.waitFor(
          "the refusal",
          "document.getElementById('token-needed')"
              + " && document.getElementById('token-needed').textContent.includes('refused')");
      chromium.evaluate("document.getElementById('api-token').value = ''");
      chromium.focus("#api-token");
      chromium.type("s3cret-t0ken-for-pages");
      chromium.press("Enter");
      chromium.waitFor(
          "the models page with the token",
          "document.querySelector('#content .note')"
              + " && document.querySelector('#content .note').textContent.startsWith('No models yet')");
      assertTrue(
          chromium.evaluate("document.getElementById('forget-token') !== null").getAsBoolean());
      chromium.click("#forget-token");
      chromium.waitFor("the token form again", "document.getElementById('api-token')");
    } finally {
      // The refused requests are 401s by design; the browser logs them as network errors only.
      chromium.problems.removeIf(p -> p.contains("401"));
    }
  }

  @Test
  void unknownAndMalformedAddressesGetFriendlyPages() throws Exception {
    open(
        "/predictions/ffffffffffffffffffffffffffffffff",
        "document.getElementById('page-title').textContent === 'No such prediction (yet)'");
    assertTrue(
        chromium
            .text("document.querySelector('main').textContent")
            .contains("ffffffffffffffffffffffffffffffff"));
    assertTrue(
        chromium
            .evaluate(
                "Array.from(document.querySelectorAll('main button')).some(b =>"
                    + " b.textContent === 'Check again')")
            .getAsBoolean());
    assertTrue(
        chromium
            .text("document.querySelector('main').textContent")
            .contains("Open the trace in your tracing UI"));
    screenshot("prediction-not-found", false);
    open(
        "/predictions/hello%3Cb%3E",
        "document.getElementById('page-title').textContent === 'Not a trace id'");
    assertTrue(
        chromium.text("document.querySelector('main .problem').textContent").contains("hello<b>"));
    open("/no/such/page", "document.getElementById('page-title').textContent === 'Not found'");
  }

  @Test
  void htmlInNamesTokensAndAttributesIsShownAsText() throws Exception {
    open("/models", "document.querySelectorAll('table.models tbody tr').length === 2");
    assertEquals(
        XSS_MODEL,
        chromium.text(
            "document.querySelector('tr[data-model=" + js(XSS_MODEL) + "] a').textContent"));
    assertEquals(0, chromium.evaluate("document.querySelectorAll('main img').length").getAsInt());

    open(
        "/models/" + enc(XSS_MODEL),
        "document.querySelectorAll('table.head-grid button.cell').length === 4");
    assertEquals(XSS_MODEL, chromium.text("document.getElementById('page-title').textContent"));
    assertEquals(0, chromium.evaluate("document.querySelectorAll('main img').length").getAsInt());

    open(
        "/predictions/" + xssTrace,
        "document.querySelectorAll('ol.tokens .tok').length === " + XSS_TOKENS.size());
    assertEquals(
        XSS_TOKENS,
        strings("Array.from(document.querySelectorAll('ol.tokens .tok')).map(t => t.textContent)"));
    assertTrue(
        chromium.text("document.getElementById('attributes').textContent").contains(XSS_ATTRIBUTE));
    assertEquals(
        XSS_MODEL, chromium.text("document.querySelector('#summary .model-name').textContent"));
    assertEquals(
        0,
        chromium
            .evaluate("document.querySelectorAll('main img, main script, main svg[onload]').length")
            .getAsInt());
    // Every page's script ran to the end without a dialog; @AfterEach also checks none opened.
    assertEquals(List.of(), List.copyOf(chromium.dialogs));
  }

  private static List<String> strings(String expression) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : chromium.evaluate(expression).getAsJsonArray()) {
      out.add(e.getAsString());
    }
    return out;
  }

  private static List<String> distinct(String expression) {
    return strings(expression).stream().distinct().toList();
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
