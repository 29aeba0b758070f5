package io.headwatch.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric name a dashboard or a rule uses is one the code emits: the agent's instruments (read
 * from its source, translated to Prometheus names as the collector and the upstream OpenTelemetry
 * Collector do) and the collector's own series, listed in docs/telemetry.md and docs/collector.md;
 * or a recording rule of the shipped rule files; or {@code up}, the series Prometheus itself writes
 * for each scrape target (the collector's).
 */
class MetricNamesTest {
  private static final Path AGENT_TELEMETRY =
      Path.of("agent/src/main/java/io/headwatch/agent/export/AgentTelemetry.java");
  private static final Path COLLECTOR_METRICS =
      Path.of("collector/src/main/java/io/headwatch/collector/prometheus/SelfMetrics.java");
  static final Set<String> PROMETHEUS_OWN = Set.of("up");

  /** Prometheus name (base, before _bucket/_sum/_count) → the OpenTelemetry name it comes from. */
  static Map<String, String> agentMetrics() throws Exception {
    String source = Files.readString(Files2.repository().resolve(AGENT_TELEMETRY));
    Map<String, String> out = new TreeMap<>();
    Matcher h =
        Pattern.compile("histogram\\(\\s*meter,\\s*\"([a-z._]+)\",\\s*\"([^\"]*)\"")
            .matcher(source);
    while (h.find()) {
      out.put(prometheusName(h.group(1), h.group(2), "histogram"), h.group(1));
    }
    Matcher c =
        Pattern.compile(
                "(counter|gauge)Builder\\(\"([a-z._]+)\"\\)[^;]*?\\.setUnit\\(\"([^\"]*)\"\\)")
            .matcher(source);
    while (c.find()) {
      out.put(prometheusName(c.group(2), c.group(3), c.group(1)), c.group(2));
    }
    assertTrue(out.size() >= 15, "instruments found in " + AGENT_TELEMETRY + ": " + out);
    return out;
  }

  /** The standard translation (docs/telemetry.md): unit "1" is "_ratio" for gauges only. */
  static String prometheusName(String otelName, String unit, String kind) {
    StringBuilder name = new StringBuilder(otelName.replace('.', '_'));
    String u = unit.replaceAll("\\{[^}]*\\}", "");
    if (u.equals("s")) {
      name.append("_seconds");
    } else if (u.equals("1") && kind.equals("gauge")) {
      name.append("_ratio");
    } else if (!u.isEmpty() && !u.equals("1")) {
      throw new AssertionError("unit " + unit + " of " + otelName + ": extend this translation");
    }
    if (kind.equals("counter")) {
      name.append("_total");
    }
    return name.toString();
  }

  static Set<String> collectorMetrics() throws Exception {
    String source = Files.readString(Files2.repository().resolve(COLLECTOR_METRICS));
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("\"(headwatch_collector_[a-z_]+)\"").matcher(source);
    while (m.find()) {
      out.add(m.group(1));
    }
    assertTrue(out.size() >= 5, "collector metrics: " + out);
    return out;
  }

  /** Every name used, with where it is used. */
  static Map<String, String> usedNames() throws Exception {
    Map<String, String> used = new LinkedHashMap<>();
    Map<String, String> vars =
        Map.of(
            "$__rate_interval",
            "5m",
            "$__range",
            "1h",
            "$__interval",
            "1m",
            "$service",
            ".*",
            "$model",
            ".*");
    for (Path file : Files2.dashboards()) {
      JsonObject d = DashboardsTest.read(file);
      for (JsonObject panel : DashboardsTest.panels(d)) {
        if (!panel.has("targets")) {
          continue;
        }
        for (JsonElement t : panel.getAsJsonArray("targets")) {
          String expr = t.getAsJsonObject().get("expr").getAsString();
          for (Map.Entry<String, String> v : vars.entrySet()) {
            expr = expr.replace(v.getKey(), v.getValue());
          }
          for (String name : PromQlNames.metricNames(expr)) {
            used.putIfAbsent(name, file.getFileName() + " / " + panel.get("title").getAsString());
          }
        }
      }
      for (JsonElement v : d.getAsJsonObject("templating").getAsJsonArray("list")) {
        JsonObject variable = v.getAsJsonObject();
        if (variable.has("query") && variable.get("query").isJsonObject()) {
          Matcher m =
              Pattern.compile("label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)")
                  .matcher(variable.getAsJsonObject("query").get("query").getAsString());
          assertTrue(m.find(), variable.toString());
          used.putIfAbsent(m.group(1), file.getFileName() + " / variable " + variable.get("name"));
        }
      }
    }
    for (Path file : Files2.ruleFiles()) {
      for (Map<String, Object> rule : RulesTest.rules(file)) {
        for (String name : PromQlNames.metricNames((String) rule.get("expr"))) {
          used.putIfAbsent(
              name, file.getFileName() + " / " + rule.getOrDefault("alert", rule.get("record")));
        }
      }
    }
    return used;
  }

  static Set<String> recordingRules() throws Exception {
    Set<String> out = new TreeSet<>();
    for (Path file : Files2.ruleFiles()) {
      for (Map<String, Object> rule : RulesTest.rules(file)) {
        if (rule.containsKey("record")) {
          out.add((String) rule.get("record"));
        }
      }
    }
    return out;
  }

  @Test
  void everyMetricUsedIsEmittedByTheAgentOrTheCollectorOrRecordedByARule() throws Exception {
    Map<String, String> agent = agentMetrics();
    Set<String> collector = collectorMetrics();
    Set<String> recorded = recordingRules();
    String telemetryDoc = Files.readString(Files2.repository().resolve("docs/telemetry.md"));
    String collectorDoc = Files.readString(Files2.repository().resolve("docs/collector.md"));
    Map<String, String> unknown = new TreeMap<>();
    for (Map.Entry<String, String> use : usedNames().entrySet()) {
      String name = use.getKey();
      String base = name.replaceAll("_(bucket|sum|count)$", "");
      if (agent.containsKey(name) || agent.containsKey(base)) {
        String otel = agent.getOrDefault(name, agent.get(base));
        boolean histogramPart = !name.equals(base) && agent.containsKey(base);
        assertTrue(agent.containsKey(name) || histogramPart, name);
        assertTrue(
            telemetryDoc.contains("`" + otel + "`"),
            "docs/telemetry.md does not list " + otel + " (used as " + name + ")");
      } else if (collector.contains(name)) {
        assertTrue(collectorDoc.contains("`" + name), "docs/collector.md does not list " + name);
      } else if (!recorded.contains(name) && !PROMETHEUS_OWN.contains(name)) {
        unknown.put(name, use.getValue());
      }
    }
    assertEquals(Map.of(), unknown, "metric names that nothing emits (name → where used)");
  }

  @Test
  void histogramSuffixesAreUsedOnlyOnHistograms() throws Exception {
    Map<String, String> agent = agentMetrics();
    for (String name : usedNames().keySet()) {
      String base = name.replaceAll("_(bucket|sum|count)$", "");
      if (!name.equals(base) && agent.containsKey(base)) {
        String source = Files.readString(Files2.repository().resolve(AGENT_TELEMETRY));
        assertTrue(
            Pattern.compile("histogram\\(\\s*meter,\\s*\"" + Pattern.quote(agent.get(base)) + "\"")
                .matcher(source)
                .find(),
            name + " is not a histogram");
      }
    }
  }

  @Test
  void theLexerFindsMetricNamesNotLabelsOrFunctions() {
    assertEquals(
        Set.of("a_total", "b_count", "head:x:mean5m"),
        PromQlNames.metricNames(
            "sum by (job, le) (rate(a_total{job=~\"x|y\", le=~\"6|6\\\\.0\"}[5m] offset 30m))"
                + " / on (job) group_left (model) b_count and head:x:mean5m > bool 0.5"
                + " unless topk(5, abs(1e3 * clamp_min(b_count, 0.01)))"));
    assertEquals(List.of("up"), List.copyOf(PromQlNames.metricNames("up{job=\"c\"} == 0")));
  }
}
