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
 * The answer is kept per class loader; an unsupported or unknown DJL is left alone: the application
 * runs exactly as without the agent (ONNX Runtime calls that DJL makes are still observed by the
 * ONNX Runtime instrumentation).
 *
 * <p>Only what the application uses is reported: an unsupported DJL is logged (once, in one line)
 * when its {@code Predictor} is loaded, i.e. when the application runs DJL predictions the agent
 * would have observed. Applications that use only DJL's tokenizer or NDArrays (langchain4j 0.36,
 * Spring AI's {@code TransformersEmbeddingModel}) lose nothing and are told nothing.
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

  /**
   * Whether the DJL {@code loader} sees is supported; when it is not and {@code report} is set (the
   * type being loaded is one the application runs predictions with), says so once.
   */
  static boolean supported(ClassLoader loader, boolean report) {
    if (loader == null) {
      return false;
    }
    Boolean known = CACHE.get(loader);
    if (known == null) {
      String version = versionOf(loader);
      known = isSupported(version);
      CACHE.put(loader, known);
      AgentLog.debug(
          "DJL " + version + (known ? " found; instrumenting it" : " found; not supported"));
    }
    if (!known && report) {
      String version = versionOf(loader);
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
    return known;
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
