package io.headwatch.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboards are valid Grafana dashboard JSON (schema of Grafana 10): unique uids, the
 * data-source, service and model variables, no hard-coded data-source uid, and every panel with a
 * one-line description, a unit and queries that use the data-source variable.
 */
class DashboardsTest {
  static final String DS_VAR = "${datasource}";
  static final Set<String> EXPECTED =
      Set.of(
          "headwatch-model-overview",
          "headwatch-attention-heads",
          "headwatch-activations",
          "headwatch-health");

  static JsonObject read(Path file) throws Exception {
    JsonElement json = JsonParser.parseString(Files.readString(file));
    assertTrue(json.isJsonObject(), file + " is not a JSON object");
    return json.getAsJsonObject();
  }

  static List<JsonObject> panels(JsonObject dashboard) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement p : dashboard.getAsJsonArray("panels")) {
      JsonObject panel = p.getAsJsonObject();
      out.add(panel);
      if (panel.has("panels")) { // panels inside a collapsed row
        panel.getAsJsonArray("panels").forEach(q -> out.add(q.getAsJsonObject()));
      }
    }
    return out;
  }

  @Test
  void theFourDashboardsExistWithUniqueUidsMatchingTheirFileNames() throws Exception {
    Set<String> uids = new HashSet<>();
    for (Path file : Files2.dashboards()) {
      JsonObject d = read(file);
      String uid = d.get("uid").getAsString();
      assertTrue(uid.matches("[a-zA-Z0-9_-]{1,40}"), "uid " + uid);
      assertTrue(uids.add(uid), "duplicate uid " + uid);
      assertEquals(uid + ".json", file.getFileName().toString());
      assertTrue(d.get("title").getAsString().startsWith("Headwatch / "), file.toString());
      assertFalse(d.get("description").getAsString().isBlank(), file.toString());
      // Grafana 10.0 writes schemaVersion 38 and 10.4 writes 39; newer versions migrate these.
      int schema = d.get("schemaVersion").getAsInt();
      assertTrue(schema >= 36 && schema <= 39, file + ": schemaVersion " + schema);
      assertTrue(d.has("time") && d.has("templating") && d.has("panels"), file.toString());
      assertFalse(d.has("__inputs"), file + ": an export for sharing; keep the ${datasource} form");
    }
    assertEquals(EXPECTED, uids);
  }

  @Test
  void everyDashboardHasTheDataSourceServiceAndModelVariables() throws Exception {
    for (Path file : Files2.dashboards()) {
      JsonArray list = read(file).getAsJsonObject("templating").getAsJsonArray("list");
      JsonObject ds = variable(list, "datasource", file);
      assertEquals("datasource", ds.get("type").getAsString());
      assertEquals("prometheus", ds.get("query").getAsString());
      for (String name : List.of("service", "model")) {
        JsonObject v = variable(list, name, file);
        assertEquals("query", v.get("type").getAsString(), file + " " + name);
        assertEquals(
            DS_VAR, v.getAsJsonObject("datasource").get("uid").getAsString(), file + " " + name);
        assertTrue(v.get("multi").getAsBoolean() && v.get("includeAll").getAsBoolean(), name);
        assertEquals(".*", v.get("allValue").getAsString(), name);
        String query = v.getAsJsonObject("query").get("query").getAsString();
        assertTrue(query.startsWith("label_values("), query);
      }
      String service =
          variable(list, "service", file).getAsJsonObject("query").get("query").getAsString();
      assertTrue(service.endsWith(", job)"), "service is the job label: " + service);
      String model =
          variable(list, "model", file).getAsJsonObject("query").get("query").getAsString();
      assertTrue(
          model.contains("job=~\"$service\"") && model.endsWith(", gen_ai_request_model)"), model);
    }
  }

  private static JsonObject variable(JsonArray list, String name, Path file) {
    for (JsonElement v : list) {
      if (v.getAsJsonObject().get("name").getAsString().equals(name)) {
        return v.getAsJsonObject();
      }
    }
    throw new AssertionError(file + " has no variable " + name);
  }

  @Test
  void noDataSourceUidIsHardCoded() throws Exception {
    for (Path file : Files2.dashboards()) {
      List<String> uids = new ArrayList<>();
      collectDataSourceUids(read(file), uids);
      assertFalse(uids.isEmpty(), file.toString());
      for (String uid : uids) {
        // The built-in annotation query is Grafana's own "-- Grafana --" source, not a data source.
        assertTrue(
            uid.equals(DS_VAR) || uid.equals("-- Grafana --"), file + ": data source uid " + uid);
      }
    }
  }

  private static void collectDataSourceUids(JsonElement e, List<String> out) {
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
        if (entry.getKey().equals("datasource")) {
          JsonElement ds = entry.getValue();
          if (ds.isJsonPrimitive()) {
            out.add(ds.getAsString()); // legacy form: a name or uid string
          } else if (ds.isJsonObject() && ds.getAsJsonObject().has("uid")) {
            out.add(ds.getAsJsonObject().get("uid").getAsString());
          } else {
            throw new AssertionError("data source without uid: " + ds);
          }
        }
        collectDataSourceUids(entry.getValue(), out);
      }
    } else if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> collectDataSourceUids(x, out));
    }
  }

  @Test
  void everyPanelHasADescriptionAUnitAndQueriesThroughTheDataSourceVariable() throws Exception {
    int checked = 0;
    for (Path file : Files2.dashboards()) {
      Set<Integer> ids = new HashSet<>();
      for (JsonObject panel : panels(read(file))) {
        String where = file.getFileName() + " / " + panel.get("title").getAsString();
        assertTrue(ids.add(panel.get("id").getAsInt()), "duplicate panel id: " + where);
        JsonObject pos = panel.getAsJsonObject("gridPos");
        assertTrue(pos.get("x").getAsInt() + pos.get("w").getAsInt() <= 24, where);
        if (panel.get("type").getAsString().equals("row")) {
          continue;
        }
        checked++;
        String description = panel.get("description").getAsString();
        assertFalse(description.isBlank(), "no description: " + where);
        assertFalse(description.contains("\n"), "description is more than one line: " + where);
        JsonObject defaults = panel.getAsJsonObject("fieldConfig").getAsJsonObject("defaults");
        assertTrue(
            defaults.has("unit") && !defaults.get("unit").getAsString().isBlank(),
            "no unit: " + where);
        assertEquals(DS_VAR, panel.getAsJsonObject("datasource").get("uid").getAsString(), where);
        assertEquals(
            "prometheus", panel.getAsJsonObject("datasource").get("type").getAsString(), where);
        JsonArray targets = panel.getAsJsonArray("targets");
        assertFalse(targets.isEmpty(), "no query: " + where);
        Set<String> refIds = new HashSet<>();
        for (JsonElement t : targets) {
          JsonObject target = t.getAsJsonObject();
          assertTrue(refIds.add(target.get("refId").getAsString()), where);
          assertEquals(
              DS_VAR, target.getAsJsonObject("datasource").get("uid").getAsString(), where);
          String expr = target.get("expr").getAsString();
          assertFalse(expr.isBlank(), where);
          // Agent metrics are per service and model: their queries honour the variables.
          boolean agentMetric =
              expr.matches("(?s).*\\b(headwatch_|head:|model:).*")
                  && !expr.contains("headwatch_collector_");
          if (agentMetric) {
            assertTrue(
                expr.contains("job=~\"$service\""), "ignores $service: " + where + ": " + expr);
          }
          if (agentMetric && !expr.contains("headwatch_agent_dropped_total")) {
            // (the agent's drop counter has no model label)
            assertTrue(
                expr.contains("gen_ai_request_model=~\"$model\""), "ignores $model: " + where);
          }
        }
      }
    }
    assertTrue(checked >= 30, "panels checked: " + checked);
  }
}
