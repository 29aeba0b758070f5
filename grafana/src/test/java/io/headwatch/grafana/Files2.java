package io.headwatch.grafana;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the module's files and of the repository's docs and sources. */
final class Files2 {
  private Files2() {}

  /** The grafana/ directory (the module's base directory). */
  static Path grafana() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  static Path repository() {
    return grafana().getParent();
  }

  static List<Path> list(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  static List<Path> dashboards() throws IOException {
    return list(grafana().resolve("dashboards"), ".json");
  }

  static List<Path> ruleFiles() throws IOException {
    return list(grafana().resolve("prometheus/rules"), ".yml");
  }

  static List<Path> ruleTests() throws IOException {
    return list(grafana().resolve("prometheus/tests"), ".yml");
  }
}
