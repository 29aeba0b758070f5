package io.headwatch.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The rule files pass {@code promtool check rules} and their unit tests ({@code promtool test
 * rules}); every alert has a severity, a summary, a description, a runbook entry in
 * docs/runbooks.md, and a firing and a non-firing unit test case.
 */
class RulesTest {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

  static void requirePromtool() {
    if (!Files.isExecutable(PROMTOOL)) {
      String message =
          "promtool is missing at " + PROMTOOL + "; install it with: apt-get install prometheus";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }

  static String promtool(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(PROMTOOL.toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(Path file) throws Exception {
    Map<String, Object> doc = new Yaml().load(Files.readString(file));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
      out.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return out;
  }

  static List<Map<String, Object>> alerts() throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Path file : Files2.ruleFiles()) {
      for (Map<String, Object> rule : rules(file)) {
        if (rule.containsKey("alert")) {
          out.add(rule);
        }
      }
    }
    return out;
  }

  @Test
  void promtoolCheckRulesPassesForEveryRuleFile() throws Exception {
    requirePromtool();
    List<Path> files = Files2.ruleFiles();
    assertEquals(2, files.size(), files.toString());
    for (Path file : files) {
      String out = promtool(file.getParent(), "check", "rules", file.getFileName().toString());
      assertTrue(out.contains("SUCCESS"), out);
    }
  }

  @Test
  void promtoolCheckConfigPassesForTheShippedPrometheusConfig() throws Exception {
    requirePromtool();
    Path config = Files2.grafana().resolve("prometheus/prometheus.yml");
    String out = promtool(config.getParent(), "check", "config", "prometheus.yml");
    assertTrue(out.contains("2 rule files found"), out);
  }

  @Test
  void promtoolTestRulesPasses() throws Exception {
    requirePromtool();
    for (Path test : Files2.ruleTests()) {
      String out = promtool(test.getParent(), "test", "rules", test.getFileName().toString());
      assertTrue(out.contains("SUCCESS"), out);
    }
  }

  @Test
  void everyAlertHasSeveritySummaryDescriptionAndARunbookEntry() throws Exception {
    String runbooks = Files.readString(Files2.repository().resolve("docs/runbooks.md"));
    List<Map<String, Object>> alerts = alerts();
    assertTrue(alerts.size() >= 10, "alerts: " + alerts.size());
    Set<String> names = new HashSet<>();
    for (Map<String, Object> alert : alerts) {
      String name = (String) alert.get("alert");
      assertTrue(names.add(name), "duplicate alert " + name);
      @SuppressWarnings("unchecked")
      Map<String, Object> labels = (Map<String, Object>) alert.get("labels");
      @SuppressWarnings("unchecked")
      Map<String, Object> annotations = (Map<String, Object>) alert.get("annotations");
      assertTrue(
          labels != null && SEVERITIES.contains(labels.get("severity")), name + ": severity");
      for (String key : List.of("summary", "description", "runbook")) {
        assertTrue(
            annotations != null
                && annotations.get(key) instanceof String
                && !((String) annotations.get(key)).isBlank(),
            name + ": " + key);
      }
      String anchor = name.toLowerCase(Locale.ROOT);
      assertEquals("docs/runbooks.md#" + anchor, annotations.get("runbook"), name);
      // A "## HeadwatchX" heading gets the anchor #headwatchx on GitHub.
      assertTrue(
          runbooks.contains("\n## " + name + "\n"), "docs/runbooks.md has no section ## " + name);
      assertTrue(alert.containsKey("for"), name + ": no for duration");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasAFiringAndANonFiringUnitTest() throws Exception {
    Map<String, int[]> cases = new HashMap<>(); // name -> {firing, not firing}
    for (Path test : Files2.ruleTests()) {
      Map<String, Object> doc = new Yaml().load(Files.readString(test));
      for (Map<String, Object> t : (List<Map<String, Object>>) doc.get("tests")) {
        for (Map<String, Object> c :
            (List<Map<String, Object>>) t.getOrDefault("alert_rule_test", List.of())) {
          List<?> expected = (List<?>) c.get("exp_alerts");
          int[] counts = cases.computeIfAbsent((String) c.get("alertname"), k -> new int[2]);
          counts[expected == null || expected.isEmpty() ? 1 : 0]++;
        }
      }
    }
    for (Map<String, Object> alert : alerts()) {
      String name = (String) alert.get("alert");
      int[] counts = cases.getOrDefault(name, new int[2]);
      assertTrue(counts[0] > 0, name + " has no firing test case");
      assertTrue(counts[1] > 0, name + " has no non-firing test case");
    }
  }

  @Test
  void recordingRulesFollowTheLevelMetricOperationsConvention() throws Exception {
    for (Path file : Files2.ruleFiles()) {
      for (Map<String, Object> rule : rules(file)) {
        if (rule.containsKey("record")) {
          String name = (String) rule.get("record");
          assertTrue(name.matches("(head|model):headwatch_[a-z_]+:[a-z0-9_]+"), name);
        }
      }
    }
    assertFalse(Files2.ruleFiles().isEmpty());
  }
}
