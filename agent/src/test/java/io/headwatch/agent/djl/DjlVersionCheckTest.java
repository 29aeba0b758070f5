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
      assertFalse(DjlVersionCheck.supported(old));
      assertFalse(DjlVersionCheck.supported(old), "cached, same answer");
      assertEquals("0.36.0", DjlVersionCheck.versionOf(current));
      assertTrue(DjlVersionCheck.supported(current));
      assertNull(DjlVersionCheck.versionOf(none));
      assertFalse(DjlVersionCheck.supported(none));
    }
    assertFalse(DjlVersionCheck.supported(null), "the bootstrap loader has no DJL");
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
