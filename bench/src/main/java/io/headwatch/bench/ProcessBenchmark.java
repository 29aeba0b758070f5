package io.headwatch.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Whole-process cost of the agent: wall time and peak RSS (from {@code /usr/bin/time}) of short
 * {@link ProcessWorker} applications, without and with the agent, alternated in a shuffled order
 * within each run so that both see the same machine.
 *
 * <p>Usage (from the repository root, after {@code mvn -Pbench -pl bench -am package -DskipTests}):
 * {@code java -cp bench/target/benchmarks.jar io.headwatch.bench.ProcessBenchmark [--runs 5]
 * [--agent-args ""] -- oneshot all-minilm-l6-v2.onnx 16} (or {@code -- churn MODEL 20 5 16}).
 * Everything after {@code --} is passed to the worker.
 */
public final class ProcessBenchmark {
  private ProcessBenchmark() {}

  public static void main(String[] args) throws Exception {
    int split = Arrays.asList(args).indexOf("--");
    if (split < 0) {
      throw new IllegalArgumentException("expected options, then -- and the worker's arguments");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < split; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    List<String> workerArgs = Arrays.asList(args).subList(split + 1, args.length);
    int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
    String agentJar = options.getOrDefault("agent", "agent/target/headwatch-agent.jar");
    String agentArgs = options.getOrDefault("agent-args", "");
    String agentFlag = "-javaagent:" + agentJar + (agentArgs.isEmpty() ? "" : "=" + agentArgs);

    HttpServer sink = new AgentCostSink().server();
    String endpoint = "http://127.0.0.1:" + sink.getAddress().getPort();
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    Map<String, List<String>> lastOutput = new LinkedHashMap<>();
    List<String> configs = List.of("no agent", "agent");
    Random shuffle = new Random(11);
    try {
      for (int r = 0; r < runs; r++) {
        List<String> order = new ArrayList<>(configs);
        Collections.shuffle(order, shuffle);
        for (String config : order) {
          List<String> output = new ArrayList<>();
          double[] wallAndRss =
              measure(config.equals("agent") ? agentFlag : null, workerArgs, endpoint, output);
          results.computeIfAbsent(config, k -> new ArrayList<>()).add(wallAndRss);
          lastOutput.put(config, output);
        }
      }
    } finally {
      sink.stop(0);
    }

    System.out.println("# ProcessWorker " + String.join(" ", workerArgs));
    System.out.printf(
        Locale.ROOT,
        "# %d runs, no agent and agent (%s) alternated in shuffled order%n",
        runs,
        agentFlag);
    System.out.println("| | wall (s), each run | median | max RSS (MB), each run | median |");
    System.out.println("|---|---|---|---|---|");
    for (String config : configs) {
      List<double[]> v = results.get(config);
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.2f | %s | %.0f |%n",
          config,
          join(v, 0, "%.2f", 1),
          median(v, 0, 1),
          join(v, 1, "%.0f", 1024),
          median(v, 1, 1024));
    }
    List<Double> wallDelta = new ArrayList<>();
    List<Double> rssRatio = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      wallDelta.add(results.get("agent").get(r)[0] - results.get("no agent").get(r)[0]);
      rssRatio.add(results.get("agent").get(r)[1] / results.get("no agent").get(r)[1]);
    }
    System.out.printf(
        Locale.ROOT,
        "agent - no agent, wall (s), per run: median %+.2f (min %+.2f, max %+.2f)%n",
        OverheadBenchmark.percentile(wallDelta, 50),
        Collections.min(wallDelta),
        Collections.max(wallDelta));
    System.out.printf(
        Locale.ROOT,
        "agent / no agent, max RSS, per run: median %.3f (min %.3f, max %.3f)%n",
        OverheadBenchmark.percentile(rssRatio, 50),
        Collections.min(rssRatio),
        Collections.max(rssRatio));
    for (Map.Entry<String, List<String>> e : lastOutput.entrySet()) {
      for (String line : e.getValue()) {
        System.out.println("last run, " + e.getKey() + ": " + line);
      }
    }
  }

  /** Runs one worker under /usr/bin/time; returns {wall seconds, max RSS in KiB}. */
  private static double[] measure(
      String agentFlag, List<String> workerArgs, String endpoint, List<String> output)
      throws IOException, InterruptedException {
    Path times = Files.createTempFile("headwatch-time", ".txt");
    List<String> command = new ArrayList<>();
    command.addAll(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%e %M"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (agentFlag != null) {
      command.add(agentFlag);
    }
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), ProcessWorker.class.getName()));
    command.addAll(workerArgs);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    builder.redirectError(ProcessBuilder.Redirect.to(new File("/dev/null")));
    Process process = builder.start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IllegalStateException("worker exited with " + exit + ": " + stdout);
    }
    output.addAll(stdout.lines().toList());
    String[] parts = Files.readString(times).trim().split("\\s+");
    Files.delete(times);
    return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
  }

  private static String join(List<double[]> values, int index, String format, double divisor) {
    List<String> parts = new ArrayList<>();
    for (double[] v : values) {
      parts.add(String.format(Locale.ROOT, format, v[index] / divisor));
    }
    return String.join(", ", parts);
  }

  private static double median(List<double[]> values, int index, double divisor) {
    List<Double> column = new ArrayList<>();
    for (double[] v : values) {
      column.add(v[index] / divisor);
    }
    return OverheadBenchmark.percentile(column, 50);
  }
}
