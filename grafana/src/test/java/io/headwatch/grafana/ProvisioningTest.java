package io.headwatch.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The provisioning files, the Prometheus configuration and the compose file agree with each other
 * (service names, ports, mounted paths). There is no Docker engine in CI: this is what can be
 * checked without one.
 */
@SuppressWarnings("unchecked")
class ProvisioningTest {
  private static Map<String, Object> yaml(String path) throws Exception {
    return new Yaml().load(Files.readString(Files2.grafana().resolve(path)));
  }

  @Test
  void prometheusScrapesTheCollectorWithItsLabelsAndLoadsBothRuleFiles() throws Exception {
    Map<String, Object> config = yaml("prometheus/prometheus.yml");
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
    assertEquals(1, jobs.size());
    Map<String, Object> job = jobs.get(0);
    assertEquals("headwatch-collector", job.get("job_name")); // HeadwatchCollectorDown uses it
    assertEquals(true, job.get("honor_labels"), "job/instance come from the exposition");
    List<Map<String, Object>> targets = (List<Map<String, Object>>) job.get("static_configs");
    assertEquals(List.of("collector:9464"), targets.get(0).get("targets"));
    List<String> rules = (List<String>) config.get("rule_files");
    for (String rule : rules) {
      assertTrue(Files.isRegularFile(Files2.grafana().resolve("prometheus").resolve(rule)), rule);
    }
    assertEquals(Files2.ruleFiles().size(), rules.size());
  }

  @Test
  void composeRunsTheCollectorPrometheusAndGrafanaOnLoopbackPortsWithTheShippedFiles()
      throws Exception {
    Map<String, Object> compose = yaml("docker-compose.yml");
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    assertEquals(List.of("collector", "prometheus", "grafana"), List.copyOf(services.keySet()));
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      assertTrue(
          s.getValue().get("image").toString().matches("[a-z/-]+:v?[0-9][0-9a-z.-]*"),
          s.getKey() + ": pin the image version");
      for (Object port : (List<Object>) s.getValue().get("ports")) {
        assertTrue(port.toString().startsWith("127.0.0.1:"), s.getKey() + " publishes " + port);
      }
      for (Object volume : (List<Object>) s.getValue().getOrDefault("volumes", List.of())) {
        String source = volume.toString().split(":")[0];
        if (source.startsWith(".") && !source.contains("/target/")) {
          assertTrue(
              Files.exists(Files2.grafana().resolve(source)), s.getKey() + " mounts " + source);
        }
      }
    }
    List<Object> collectorCommand = (List<Object>) services.get("collector").get("command");
    assertTrue(
        collectorCommand.contains("0.0.0.0"),
        "the collector must listen beyond loopback inside compose");
    assertTrue(services.get("collector").get("ports").toString().contains(":9464:9464"));
    assertTrue(
        services
            .get("prometheus")
            .get("volumes")
            .toString()
            .contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml"));
    assertTrue(
        services
            .get("prometheus")
            .get("volumes")
            .toString()
            .contains("./prometheus/rules:/etc/prometheus/rules"));
  }

  @Test
  void grafanaProvisioningPointsAtComposePrometheusAndTheDashboardsFolder() throws Exception {
    Map<String, Object> ds = yaml("provisioning/datasources/headwatch.yml");
    Map<String, Object> source = ((List<Map<String, Object>>) ds.get("datasources")).get(0);
    assertEquals("prometheus", source.get("type"));
    assertEquals("http://prometheus:9090", source.get("url"));
    Map<String, Object> providers = yaml("provisioning/dashboards/headwatch.yml");
    Map<String, Object> provider = ((List<Map<String, Object>>) providers.get("providers")).get(0);
    String path = ((Map<String, Object>) provider.get("options")).get("path").toString();
    Map<String, Object> compose = yaml("docker-compose.yml");
    Map<String, Object> grafana =
        ((Map<String, Map<String, Object>>) compose.get("services")).get("grafana");
    assertTrue(grafana.get("volumes").toString().contains("./dashboards:" + path), path);
    assertTrue(
        grafana.get("volumes").toString().contains("./provisioning:/etc/grafana/provisioning"));
    assertTrue(Files.isDirectory(Path.of(Files2.grafana().toString(), "dashboards")));
  }
}
