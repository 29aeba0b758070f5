package io.headwatch.collector.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/collector.md lists every setting with the code's default. */
class SettingsDocTest {
  @Test
  void everySettingIsDocumentedWithItsDefault() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "collector.md"));
    List<String> missing = new ArrayList<>();
    for (Setting s : Setting.values()) {
      String row =
          "| `"
              + s.key()
              + "` | "
              + (s.defaultValue().isEmpty() ? "(empty: off)" : "`" + s.defaultValue() + "`")
              + " |";
      if (!doc.contains(row)) {
        missing.add(row);
      }
    }
    assertTrue(missing.isEmpty(), "docs/collector.md lacks rows " + missing);
  }
}
