package io.headwatch.agent.otel;

import io.headwatch.agent.util.AgentLog;
import io.opentelemetry.javaagent.extension.AgentListener;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * The OpenTelemetry Java agent calls this once it has installed itself and its SDK (service {@code
 * io.opentelemetry.javaagent.extension.AgentListener}). Runs in that agent's extension class
 * loader, which the application's classes cannot see: so it appends its own jar to the system class
 * path and starts Headwatch from the system class loader's copy ({@link ExtensionStart}), by
 * reflection. Never throws: the application and the OpenTelemetry agent start whatever happens.
 */
public final class HeadwatchExtension implements AgentListener {
  // Built at run time, as a literal of a class outside the relocated packages would be anyway.
  static final String INSTRUMENTATION_HOLDER =
      String.join(".", "io", "opentelemetry", "javaagent", "bootstrap", "InstrumentationHolder");
  static final String START = "io.headwatch.agent.otel.ExtensionStart";

  /**
   * This jar, found among the extensions the OpenTelemetry agent was given (files or folders of
   * jars): the extension class loader's own URLs are internal ones, not files.
   */
  static File ownJar() {
    String extensions = System.getProperty("otel.javaagent.extensions");
    if (extensions == null) {
      extensions = System.getenv("OTEL_JAVAAGENT_EXTENSIONS");
    }
    if (extensions == null) {
      return null;
    }
    String self = HeadwatchExtension.class.getName().replace('.', '/') + ".class";
    for (String entry : extensions.split(",")) {
      File file = new File(entry.trim());
      File[] candidates =
          file.isDirectory()
              ? file.listFiles((dir, name) -> name.endsWith(".jar"))
              : new File[] {file};
      for (File candidate : candidates == null ? new File[0] : candidates) {
        if (candidate.isFile() && contains(candidate, self)) {
          return candidate;
        }
      }
    }
    return null;
  }

  private static boolean contains(File jar, String entry) {
    try (JarFile file = new JarFile(jar)) {
      return file.getEntry(entry) != null;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Override
  public void afterAgent(AutoConfiguredOpenTelemetrySdk sdk) {
    try {
      Instrumentation instrumentation =
          (Instrumentation)
              Class.forName(INSTRUMENTATION_HOLDER, true, null)
                  .getMethod("getInstrumentation")
                  .invoke(null);
      if (instrumentation == null) {
        AgentLog.warn("the OpenTelemetry Java agent gives no Instrumentation; Headwatch is off");
        return;
      }
      File jar = ownJar();
      if (jar == null) {
        AgentLog.warn(
            "could not find Headwatch's jar among otel.javaagent.extensions; Headwatch is off");
        return;
      }
      instrumentation.appendToSystemClassLoaderSearch(new JarFile(jar));
      Class.forName(START, true, ClassLoader.getSystemClassLoader())
          .getMethod("start", Instrumentation.class)
          .invoke(null, instrumentation);
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "extension-start",
          "Headwatch failed to start as an OpenTelemetry Java agent extension; the application"
              + " runs without it",
          t);
    }
  }
}
