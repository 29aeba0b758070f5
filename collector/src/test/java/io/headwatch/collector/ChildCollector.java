package io.headwatch.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's {@link Main} in a child JVM on ephemeral 127.0.0.1 ports, its output in a file.
 * Waits for the start line by condition; a child that dies fails the test with its own output.
 */
final class ChildCollector implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile(
          "OTLP/HTTP on 127\\.0\\.0\\.1:(\\d+), API and /metrics on 127\\.0\\.0\\.1:(\\d+)");
  static final Duration DEADLINE = Duration.ofSeconds(120);

  private final Process process;
  private final Path log;
  final int otlpPort;
  final int apiPort;

  private ChildCollector(Process process, Path log, int otlpPort, int apiPort) {
    this.process = process;
    this.log = log;
    this.otlpPort = otlpPort;
    this.apiPort = apiPort;
  }

  /** Starts {@code java -Xmx<heap> Main --otlp-port 0 --http-port 0 --data-dir dir args...}. */
  static ChildCollector start(Path dataDir, String heap, String... args) throws Exception {
    return start(dataDir, List.of("-Xmx" + heap), args);
  }

  /** As above, with JVM options of the caller's choosing. */
  static ChildCollector start(Path dataDir, List<String> jvm, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvm);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "--otlp-port",
            "0",
            "--http-port",
            "0",
            "--data-dir",
            dataDir.toString()));
    cmd.addAll(List.of(args));
    Files.createDirectories(dataDir);
    Path log = Files.createTempFile(dataDir.getParent(), "child", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("HEADWATCH_COLLECTOR_"));
    Process p = pb.start();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        return new ChildCollector(
            p, log, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      }
      if (!p.isAlive()) {
        throw new AssertionError(
            "collector exited with "
                + p.exitValue()
                + " before starting: "
                + Files.readString(log));
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new AssertionError("collector did not start; it printed " + Files.readString(log));
  }

  String otlp(String path) {
    return "http://127.0.0.1:" + otlpPort + path;
  }

  String api(String path) {
    return "http://127.0.0.1:" + apiPort + path;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** Resident set size from /proc, in bytes; -1 where /proc is missing. */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("the collector survived SIGKILL");
    }
  }

  /** SIGTERM, as an operator stops it; returns the exit code. */
  int sigterm() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the collector did not stop on SIGTERM: " + output());
    }
    return process.exitValue();
  }

  /** Polls until the condition holds; fails at once, with the child's output, if it died. */
  void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!alive()) {
        throw new AssertionError("the collector died while waiting for " + what + ": " + output());
      }
      try {
        if (condition.get()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      Thread.sleep(20);
    }
    throw new AssertionError("timed out waiting for " + what + "; collector output: " + output());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
