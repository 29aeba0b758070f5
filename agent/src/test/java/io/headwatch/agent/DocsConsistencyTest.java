package io.headwatch.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The docs users read name every setting and metric the code has, with the code's defaults. */
class DocsConsistencyTest {
  private static final Path DOCS = Path.of("..", "docs");

  @Test
  void configurationDocListsEverySettingWithItsDefault() throws IOException {
    // A table cell writes a literal | as \| (a regular expression's alternation).
    String doc = Files.readString(DOCS.resolve("configuration.md")).replace("\\|", "|");
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> missing = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      String key = setting.key();
      String defaultValue = setting.defaultValue();
      String expectedRow =
          "| `"
              + key
              + "` | "
              + (defaultValue.isEmpty() ? "(derived)" : "`" + defaultValue + "`")
              + " |";
      if (!doc.contains(expectedRow)) {
        missing.add("docs/configuration.md row " + expectedRow);
      }
      if (!readme.contains("`" + key + "`")) {
        missing.add("README.md mention of " + key);
      }
    }
    assertTrue(missing.isEmpty(), "missing: " + missing);
  }

  @Test
  void telemetryDocListsEveryMetricTheAgentCreates() throws IOException {
    String source =
        Files.readString(Path.of("src/main/java/io/headwatch/agent/export/AgentTelemetry.java"));
    String doc = Files.readString(DOCS.resolve("telemetry.md"));
    Matcher m = Pattern.compile("\"((?:headwatch|gen_ai)\\.[a-z_.]+)\"").matcher(source);
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    assertTrue(names.size() >= 12, "found metric names " + names);
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (!doc.contains("| `" + name + "` |")) {
        missing.add(name);
      }
    }
    assertTrue(missing.isEmpty(), "docs/telemetry.md lacks " + missing);
  }
}
