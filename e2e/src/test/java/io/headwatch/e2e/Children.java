package io.headwatch.e2e;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Long-running child JVMs of one test (applications serving traffic while the test watches), each
 * with its standard output and error in files of the test's work directory, and crash reports there
 * too. {@link #checkAlive()} turns the death of any of them into a failure that shows what it
 * printed, instead of a later symptom (a closed pipe, a missing series).
 */
final class Children implements AutoCloseable {
  private final Path dir;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Writer> inputs = new LinkedHashMap<>();
  private volatile boolean stopping;

  Children(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts {@code java <args>} named {@code name}, with the environment cleared of OTEL_ and
   * HEADWATCH_ settings and then given {@code env}.
   */
  Process startJava(String name, List<String> args, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-XX:ErrorFile=" + dir.resolve(name + "-hs_err_%p.log"));
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("HEADWATCH_"));
    environment.putAll(env);
    Process process = builder.start();
    processes.put(name, process);
    inputs.put(name, new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    return process;
  }

  /** Writes one line to the standard input of child {@code name}. */
  void sendLine(String name, String line) throws IOException {
    Writer in = inputs.get(name);
    in.write(line + "\n");
    in.flush();
  }

  /** Throws, with the child's output, if any child has exited (before {@link #stopAll()}). */
  void checkAlive() {
    if (stopping) {
      return;
    }
    for (Map.Entry<String, Process> child : processes.entrySet()) {
      if (!child.getValue().isAlive()) {
        throw new AssertionError(
            "child "
                + child.getKey()
                + " exited with status "
                + child.getValue().exitValue()
                + " while the test still needed it"
                + describe(child.getKey()));
      }
    }
  }

  /**
   * What child {@code name} printed (the last 4000 characters of each stream) and crash reports.
   */
  String describe(String name) {
    StringBuilder out = new StringBuilder();
    for (String ext : List.of(".out", ".err")) {
      String text = read(dir.resolve(name + ext));
      out.append("\n--- ")
          .append(name)
          .append(ext)
          .append(":\n")
          .append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path crash :
          files.filter(f -> f.getFileName().toString().startsWith(name + "-hs_err")).toList()) {
        String text = read(crash);
        out.append("\n--- ")
            .append(crash.getFileName())
            .append(":\n")
            .append(text.length() > 4000 ? text.substring(0, 4000) : text);
      }
    } catch (IOException e) {
      out.append("\n(could not list ").append(dir).append(": ").append(e).append(')');
    }
    return out.toString();
  }

  /** Every child's output, for a failure message. */
  String describeAll() {
    StringBuilder out = new StringBuilder();
    for (String name : processes.keySet()) {
      out.append(describe(name));
    }
    return out.toString();
  }

  /**
   * Closes the children's standard input (they read it to its end), then asks them to stop
   * (SIGTERM) and waits for them.
   */
  void stopAll() throws InterruptedException {
    stopping = true;
    for (Writer in : inputs.values()) {
      try {
        in.close();
      } catch (IOException e) {
        // already gone
      }
    }
    for (Process p : processes.values()) {
      p.destroy();
    }
    for (Process p : processes.values()) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    stopping = true;
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
