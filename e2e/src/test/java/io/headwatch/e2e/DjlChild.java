package io.headwatch.e2e;

import java.util.List;

/** JVM settings for child applications that use DJL: offline, natives cached under target/. */
final class DjlChild {
  private DjlChild() {}

  static String cacheDir() {
    return ChildJvm.requiredProperty("djl.cache.dir");
  }

  /** {@code -Dai.djl.offline=true}: DJL must find everything locally; nothing is downloaded. */
  static List<String> jvmArgs() {
    return List.of("-Dai.djl.offline=true", "-DDJL_CACHE_DIR=" + cacheDir());
  }

  /** The same settings for DJL used inside the test JVM itself. */
  static void configureThisJvm() {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("DJL_CACHE_DIR", cacheDir());
  }
}
