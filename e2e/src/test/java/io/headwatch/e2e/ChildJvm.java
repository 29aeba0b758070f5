package io.headwatch.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts a child JVM (optionally with the agent), waits for it, and keeps what it printed. */
final class ChildJvm {
  final int exitCode;
  final String stdout;
  final String stderr;

  private ChildJvm(int exitCode, String stdout, String stderr) {
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(
          "system property "
              + name
              + " is not set: run through Maven"
              + " (mvn verify), which passes it");
    }
    if ((name.endsWith(".jar")) && !new File(value).isFile()) {
      throw new IllegalStateException(
          name
              + " points at "
              + value
              + ", which does not exist:"
              + " build the reactor first (mvn verify from the repository root)");
    }
    return value;
  }

  static String agentJar() {
    return requiredProperty("headwatch.agent.jar");
  }

  static ChildJvm run(
      List<String> jvmArgs, List<String> mainAndArgs, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    return run(Path.of(System.getProperty("java.home")), jvmArgs, mainAndArgs, env, timeoutSeconds);
  }

  /** As {@link #run(List, List, Map, long)}, on the JDK at {@code javaHome}. */
  static ChildJvm run(
      Path javaHome,
      List<String> jvmArgs,
      List<String> mainAndArgs,
      Map<String, String> env,
      long timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.add("-Xmx1g");
    command.addAll(jvmArgs);
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    // The child sees only the OTEL_/HEADWATCH_ settings the test gives it.
    environment.keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("HEADWATCH_"));
    environment.putAll(env);
    Path out = Files.createTempFile("child-out", ".txt");
    Path err = Files.createTempFile("child-err", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "child JVM did not finish in "
              + timeoutSeconds
              + " s: "
              + command
              + "\nstderr:\n"
              + Files.readString(err, StandardCharsets.UTF_8));
    }
    ChildJvm result =
        new ChildJvm(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return result;
  }

  /** Environment that points the agent's exporters at {@code receiver}, exporting quickly. */
  static Map<String, String> otlpEnvironment(OtlpReceiver receiver, String serviceName) {
    Map<String, String> env = new HashMap<>();
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_SERVICE_NAME", serviceName);
    env.put("OTEL_METRIC_EXPORT_INTERVAL", "1000");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
    env.put("OTEL_BLRP_SCHEDULE_DELAY", "200");
    // At exit the agent finishes its queued captures and flushes within this time: generous, so
    // that a loaded machine makes the child slower instead of losing what the test checks.
    env.put("HEADWATCH_SHUTDOWN_TIMEOUT_MS", "60000");
    // An export answered slowly by a receiver on a loaded machine is slow, not lost: without this
    // the exporter gives up after 10 s (and the agent's metric reader, which waits as long as the
    // exporter, logs "Exporter timed out"), which the tests that require a quiet stderr would count
    // against the agent.
    env.put("OTEL_EXPORTER_OTLP_TIMEOUT", "60000");
    return env;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
  }
}
