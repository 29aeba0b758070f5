package io.headwatch.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboards link to the collector's pages (docs/pages.md): every panel whose series carry the
 * model label links to that model's heads and most unusual predictions, every dashboard links to
 * the models and predictions pages, and the overview opens the prediction of a pasted trace id.
 * Each link, with Grafana's variables filled in, is an address the collector serves.
 */
class PageLinksTest {
  private static final String PAGES = "${headwatch_url:raw}";
  private static final Map<String, String> SAMPLE =
      Map.of(
          PAGES,
          "http://127.0.0.1:9464",
          "${__field.labels.gen_ai_request_model:percentencode}",
          "org%2Fbert",
          "${model:percentencode}",
          "org%2Fbert",
          "${__data.fields.gen_ai_request_model:percentencode}",
          "org%2Fbert",
          "${__from}",
          "1700000000000",
          "${__to}",
          "1700003600000",
          "${trace_id:percentencode}",
          "4bf92f3577b34da6a3ce929d0e0e474e");

  /** The collector's page routes (collector PageRoutes), as paths. */
  private static final List<Pattern> ROUTES =
      List.of(
          Pattern.compile("/models"),
          Pattern.compile("/models/[^/]+"),
          Pattern.compile("/predictions"),
          Pattern.compile("/predictions/[0-9a-f]{32}"));

  /** Query parameters the predictions page reads. */
  private static final Set<String> PARAMETERS = Set.of("model", "from", "to");

  @Test
  void everyDashboardLetsTheUserSetWhereThePagesAre() throws Exception {
    for (Path file : Files2.dashboards()) {
      JsonObject v = variable(DashboardsTest.read(file), "headwatch_url");
      assertEquals("textbox", v.get("type").getAsString(), file.toString());
      assertEquals("http://127.0.0.1:9464", v.get("query").getAsString(), file.toString());
    }
  }

  @Test
  void panelsWithTheModelLabelLinkToTheModelsPages() throws Exception {
    int linked = 0;
    for (Path file : Files2.dashboards()) {
      for (JsonObject panel : DashboardsTest.panels(DashboardsTest.read(file))) {
        if (panel.get("type").getAsString().equals("row")) {
          continue;
        }
        String where = file.getFileName() + " / " + panel.get("title").getAsString();
        boolean perModel =
            panel.has("repeat") && panel.get("repeat").getAsString().equals("model")
                || panel.toString().contains("{{gen_ai_request_model}}")
                || panel.get("title").getAsString().equals("Most deviant heads now");
        JsonObject defaults = panel.getAsJsonObject("fieldConfig").getAsJsonObject("defaults");
        if (!perModel) {
          continue;
        }
        assertTrue(defaults.has("links"), "no links to the model's pages: " + where);
        List<String> paths = new ArrayList<>();
        for (JsonElement l : defaults.getAsJsonArray("links")) {
          JsonObject link = l.getAsJsonObject();
          assertFalse(link.get("title").getAsString().isBlank(), where);
          URI uri = resolved(link.get("url").getAsString(), where);
          paths.add(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
        assertEquals(
            List.of(
                "/models/org%2Fbert",
                "/predictions?model=org%2Fbert&from=1700000000000&to=1700003600000"),
            paths,
            where);
        linked++;
      }
    }
    assertTrue(linked >= 25, "panels linked: " + linked);
  }

  @Test
  void dashboardsLinkToTheModelsAndPredictionsPagesAndTheOverviewToATraceId() throws Exception {
    for (Path file : Files2.dashboards()) {
      JsonObject d = DashboardsTest.read(file);
      List<String> urls = new ArrayList<>();
      for (JsonElement l : d.getAsJsonArray("links")) {
        JsonObject link = l.getAsJsonObject();
        if (link.get("type").getAsString().equals("link")) {
          URI uri = resolved(link.get("url").getAsString(), file.toString());
          urls.add(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
      }
      assertTrue(urls.contains("/models"), file + ": " + urls);
      assertTrue(
          urls.contains("/predictions?from=1700000000000&to=1700003600000"), file + ": " + urls);
      if (file.getFileName().toString().equals("headwatch-model-overview.json")) {
        assertEquals("textbox", variable(d, "trace_id").get("type").getAsString());
        assertTrue(
            urls.contains("/predictions/4bf92f3577b34da6a3ce929d0e0e474e"), file + ": " + urls);
      }
    }
  }

  @Test
  void thePagesLinkedToAreDocumented() throws Exception {
    String doc = Files.readString(Files2.repository().resolve("docs").resolve("pages.md"));
    for (String route :
        List.of("`/models/{model}`", "`/predictions`", "`/predictions/{trace_id}`", "`/models`")) {
      assertTrue(doc.contains(route), "docs/pages.md does not document " + route);
    }
  }

  /** The link with sample values for Grafana's variables: a URL to a page the collector serves. */
  private static URI resolved(String url, String where) {
    assertTrue(url.startsWith(PAGES + "/"), where + ": " + url);
    String filled = url;
    for (Map.Entry<String, String> e : SAMPLE.entrySet()) {
      filled = filled.replace(e.getKey(), e.getValue());
    }
    assertFalse(filled.contains("$"), where + ": a variable left in " + filled);
    URI uri = URI.create(filled);
    String path = uri.getRawPath();
    assertTrue(
        ROUTES.stream().anyMatch(r -> r.matcher(path).matches()), where + ": no page at " + path);
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String name = pair.substring(0, pair.indexOf('='));
        assertTrue(PARAMETERS.contains(name), where + ": the page has no parameter " + name);
      }
    }
    return uri;
  }

  private static JsonObject variable(JsonObject dashboard, String name) {
    JsonArray list = dashboard.getAsJsonObject("templating").getAsJsonArray("list");
    for (JsonElement v : list) {
      if (v.getAsJsonObject().get("name").getAsString().equals(name)) {
        return v.getAsJsonObject();
      }
    }
    throw new AssertionError("no variable " + name);
  }
}
