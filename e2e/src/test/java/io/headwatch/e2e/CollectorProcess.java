package io.headwatch.e2e;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** The real collector jar in a child JVM, on free loopback ports, with a private data directory. */
final class CollectorProcess implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile(
          "OTLP/HTTP on 127\\.0\\.0\\.1:(\\d+), API and /metrics on 127\\.0\\.0\\.1:(\\d+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  // Output goes to a file, not a pipe: a pipe read racing the process's exit can fail with
  // "Stream closed" and lose the last lines, which the tests read.
  private final Path log;
  final int otlpPort;
  final int apiPort;

  private CollectorProcess(Process process, Path log, int otlpPort, int apiPort) {
    this.process = process;
    this.log = log;
    this.otlpPort = otlpPort;
    this.apiPort = apiPort;
  }

  static CollectorProcess start(Path dataDir, String... extraArgs)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx640m",
                "-jar",
                ChildJvm.requiredProperty("collector.jar"),
                "--otlp-port",
                "0",
                "--http-port",
                "0",
                "--data-dir",
                dataDir.toString()));
    command.addAll(List.of(extraArgs));
    Path log = Files.createTempFile(dataDir, "collector", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && process.isAlive()) {
      Matcher m = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        return new CollectorProcess(
            process, log, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new AssertionError(
        "collector did not report its ports; it printed "
            + Files.readString(log, StandardCharsets.UTF_8));
  }

  String otlpEndpoint() {
    return "http://127.0.0.1:" + otlpPort;
  }

  String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + path + " -> " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  JsonElement getJson(String path) throws IOException, InterruptedException {
    return JsonParser.parseString(get(path));
  }

  /** Waits for {@code condition}; fails at once, with the collector's output, if it dies. */
  void await(Duration timeout, String what, Supplier<Boolean> condition)
      throws InterruptedException {
    Await.until(timeout, what, condition::get, this::checkAlive);
  }

  /** Throws, with what the collector printed, if it has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      String printed;
      try {
        printed = Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        printed = "(unreadable: " + e + ")";
      }
      throw new AssertionError(
          "the collector exited with status " + process.exitValue() + "; it printed\n" + printed);
    }
  }

  List<String> output() throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  /** SIGTERM, as an operator would stop it; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("collector did not stop on SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
