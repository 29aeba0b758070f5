package io.headwatch.agent.djl;

import io.headwatch.agent.util.AgentLog;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;

/**
 * Decides whether the DJL a class loader sees is one the agent supports, reading the version DJL
 * itself reports ({@code ai/djl/engine/api.properties}, as {@code Engine.getDjlVersion()} does).
 * The answer is kept per class loader; an unsupported or unknown DJL is logged once, in one line,
 * and left alone: the application runs exactly as without the agent (ONNX Runtime calls that DJL
 * makes are still observed by the ONNX Runtime instrumentation).
 */
public final class DjlVersionCheck {
  /** The supported DJL versions: 0.36.x (built and tested with 0.36.0). */
  public static final String SUPPORTED_RANGE = "0.36.x";

  static final String VERSION_RESOURCE = "ai/djl/engine/api.properties";

  private static final Map<ClassLoader, Boolean> CACHE =
      Collections.synchronizedMap(new WeakHashMap<>());

  private DjlVersionCheck() {}

  /** Whether {@code version} (as DJL reports it, e.g. {@code 0.36.0}) is supported. */
  public static boolean isSupported(String version) {
    if (version == null) {
      return false;
    }
    String v = version.trim();
    return v.equals("0.36") || v.startsWith("0.36.");
  }

  static boolean supported(ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    Boolean known = CACHE.get(loader);
    if (known != null) {
      return known;
    }
    String version = versionOf(loader);
    boolean ok = isSupported(version);
    CACHE.put(loader, ok);
    if (ok) {
      AgentLog.debug("DJL " + version + " found; instrumenting it");
    } else {
      AgentLog.warnOnce(
          "djl-version",
          "DJL "
              + (version == null ? "of unknown version" : version)
              + " is outside the supported range "
              + SUPPORTED_RANGE
              + "; DJL is not observed (ONNX"
              + " Runtime calls it makes still are)",
          null);
    }
    return ok;
  }

  static void reportMissing(String type) {
    AgentLog.warnOnce(
        "djl-api",
        "DJL's "
            + type
            + " lacks the method the agent needs (a DJL"
            + " outside "
            + SUPPORTED_RANGE
            + "?); DJL is not observed",
        null);
  }

  /** The DJL version visible from {@code loader}, or null. */
  static String versionOf(ClassLoader loader) {
    try {
      URL url = loader.getResource(VERSION_RESOURCE);
      if (url == null) {
        return null;
      }
      try (InputStream in = url.openStream()) {
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("djl_version");
      }
    } catch (Exception | LinkageError e) {
      return null;
    }
  }
}
