package io.headwatch.agent.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlVersionCheckTest {
  @TempDir Path dir;

  @Test
  void supportedRangeIs036() {
    assertTrue(DjlVersionCheck.isSupported("0.36.0"));
    assertTrue(DjlVersionCheck.isSupported("0.36.1"));
    assertTrue(DjlVersionCheck.isSupported(" 0.36.0 "));
    assertFalse(DjlVersionCheck.isSupported("0.28.0"));
    assertFalse(DjlVersionCheck.isSupported("0.35.1"));
    assertFalse(DjlVersionCheck.isSupported("0.38.0"));
    assertFalse(DjlVersionCheck.isSupported("0.360.0"));
    assertFalse(DjlVersionCheck.isSupported(null));
    assertFalse(DjlVersionCheck.isSupported(""));
  }

  @Test
  void readsTheVersionDjlReportsFromItsClassLoader() throws Exception {
    try (URLClassLoader old = loaderWithVersion("0.28.0");
        URLClassLoader current = loaderWithVersion("0.36.0");
        URLClassLoader none =
            new URLClassLoader(new URL[] {dir.resolve("empty").toUri().toURL()}, null)) {
      assertEquals("0.28.0", DjlVersionCheck.versionOf(old));
      assertFalse(DjlVersionCheck.supported(old, false));
      assertFalse(DjlVersionCheck.supported(old, false), "cached, same answer");
      assertEquals("0.36.0", DjlVersionCheck.versionOf(current));
      assertTrue(DjlVersionCheck.supported(current, true));
      assertNull(DjlVersionCheck.versionOf(none));
      assertFalse(DjlVersionCheck.supported(none, false));
    }
    assertFalse(DjlVersionCheck.supported(null, false), "the bootstrap loader has no DJL");
  }

  @Test
  void anUnsupportedDjlIsReportedOnlyWhenItsPredictorIsLoaded() throws Exception {
    try (URLClassLoader old = loaderWithVersion("0.30.0")) {
      // The tokenizer and NDArray types of a tokenizer-only application (langchain4j 0.36, Spring
      // AI): left alone, and nothing said.
      String tokenizerOnly = stderrOf(() -> DjlVersionCheck.supported(old, false));
      assertEquals("", tokenizerOnly);
      // The application loads DJL's Predictor: now it loses something, and is told once.
      String predictor = stderrOf(() -> DjlVersionCheck.supported(old, true));
      assertEquals(
          "[headwatch] WARN DJL 0.30.0 is outside the supported range 0.36.x; DJL is not"
              + " observed (ONNX Runtime calls it makes still are)",
          predictor.strip());
      assertEquals("", stderrOf(() -> DjlVersionCheck.supported(old, true)), "once");
    }
  }

  private static String stderrOf(Runnable action) {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(saved);
    }
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void theDjlOnTheTestClassPathIsSupported() {
    // The agent is compiled and tested against this DJL (a provided dependency).
    assertEquals("0.36.0", DjlVersionCheck.versionOf(getClass().getClassLoader()));
  }

  private URLClassLoader loaderWithVersion(String version) throws Exception {
    Path root = Files.createDirectories(dir.resolve(version));
    Path file = root.resolve(DjlVersionCheck.VERSION_RESOURCE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "djl_version=" + version + "\n");
    return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
  }
}
