package io.headwatch.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The agent's overhead on all-MiniLM-L6-v2, as paired ratios measured in one run.
 *
 * <p>Starts one {@link OverheadWorker} JVM without the agent and one per sampling rate with it, all
 * alive at once. Each round asks every worker, in a shuffled order, for the mean latency of a batch
 * of inferences (one at a time: the others wait), and divides each agent worker's mean by the
 * no-agent worker's mean of the same round. The report gives, per token count and rate, the median
 * ratio and the spread (10th–90th percentile) over rounds, and each JVM's start-up time to its
 * first inference.
 *
 * <p>Usage (from the repository root, after {@code mvn -Pbench -pl bench -am package -DskipTests}):
 * {@code java -cp bench/target/benchmarks.jar io.headwatch.bench.OverheadBenchmark [--rounds 15]
 * [--batch 40] [--tokens 16,128,256] [--rates 0,0.01,0.1,1.0] [--before other-agent.jar]}
 *
 * <p>{@code --before} adds one worker per rate with a second agent jar (for example one built from
 * an earlier commit), measured in the same rounds against the same no-agent worker: the only fair
 * way to compare two versions of the agent on a machine whose speed varies from day to day.
 *
 * <p>{@code --variants "label=ARG ARG;label=ARG"} adds one worker per variant, started with exactly
 * those JVM arguments (for example the agent with its trace exporter off, to see what one part of
 * the agent costs), measured in the same rounds.
 */
public final class OverheadBenchmark {
  private OverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "15"));
    int batch = Integer.parseInt(options.getOrDefault("batch", "40"));
    int[] tokens =
        Arrays.stream(options.getOrDefault("tokens", "16,128,256").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    String[] rates = options.getOrDefault("rates", "0,0.01,0.1,1.0").split(",");
    String agentJar = options.getOrDefault("agent", "agent/target/headwatch-agent.jar");
    String beforeJar = options.get("before");
    if (beforeJar != null && !new File(beforeJar).isFile()) {
      throw new IllegalArgumentException("--before " + beforeJar + ": no such agent jar");
    }
    Map<String, List<String>> variants = new LinkedHashMap<>();
    for (String variant : options.getOrDefault("variants", "").split(";")) {
      if (variant.isBlank()) {
        continue;
      }
      int eq = variant.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--variants: expected label=JVM arguments, got " + variant);
      }
      variants.put(
          variant.substring(0, eq).trim(), List.of(variant.substring(eq + 1).trim().split("\\s+")));
    }
    String classpath = System.getProperty("java.class.path");

    AgentCostSink costs = new AgentCostSink();
    HttpServer sink = costs.server();
    String endpoint = "http://127.0.0.1:" + sink.getAddress().getPort();
    List<Worker> workers = new ArrayList<>();
    workers.add(Worker.start("no agent", List.of(), classpath, endpoint));
    for (String rate : rates) {
      workers.add(
          Worker.start(
              "agent @ " + rate,
              List.of("-javaagent:" + agentJar + "=sampling.rate=" + rate),
              classpath,
              endpoint));
    }
    if (beforeJar != null) {
      for (String rate : rates) {
        workers.add(
            Worker.start(
                "before @ " + rate,
                List.of("-javaagent:" + beforeJar + "=sampling.rate=" + rate),
                classpath,
                endpoint));
      }
    }
    for (Map.Entry<String, List<String>> v : variants.entrySet()) {
      workers.add(Worker.start(v.getKey(), v.getValue(), classpath, endpoint));
    }
    try {
      System.out.println(
          "# Headwatch overhead on all-MiniLM-L6-v2 (ONNX Runtime, one sequence per inference)");
      System.out.printf(
          Locale.ROOT,
          "# %d rounds x %d inferences per worker and token count, interleaved in shuffled order%n",
          rounds,
          batch);
      System.out.println();
      System.out.println("Start-up to the first inference done (ms):");
      for (Worker w : workers) {
        System.out.printf(Locale.ROOT, "  %-16s %8.0f%n", w.name, w.startupNanos / 1e6);
      }
      Random shuffle = new Random(7);
      for (int t : tokens) {
        for (Worker w : workers) {
          w.run(t, batch); // warm-up at this length, not measured
        }
        Map<Worker, List<Double>> ratios = new LinkedHashMap<>();
        Map<Worker, List<Double>> cpuRatios = new LinkedHashMap<>();
        Map<Worker, List<Double>> means = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
          List<Worker> order = new ArrayList<>(workers);
          Collections.shuffle(order, shuffle);
          Map<Worker, long[]> mean = new LinkedHashMap<>();
          for (Worker w : order) {
            mean.put(w, w.run(t, batch));
          }
          long[] base = mean.get(workers.get(0));
          for (Worker w : workers) {
            means.computeIfAbsent(w, k -> new ArrayList<>()).add((double) mean.get(w)[0]);
            if (w != workers.get(0)) {
              ratios
                  .computeIfAbsent(w, k -> new ArrayList<>())
                  .add((double) mean.get(w)[0] / base[0]);
              cpuRatios
                  .computeIfAbsent(w, k -> new ArrayList<>())
                  .add((double) mean.get(w)[1] / base[1]);
            }
          }
        }
        System.out.println();
        System.out.printf(
            Locale.ROOT,
            "%d tokens: median latency without the agent %.2f ms%n",
            t,
            percentile(means.get(workers.get(0)), 50) / 1e6);
        System.out.println(
            "| sampling rate | latency ratio, median | p10 | p90 | inference-thread CPU ratio, median | p10 | p90 | median latency (ms) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<Worker, List<Double>> e : ratios.entrySet()) {
          List<Double> v = e.getValue();
          List<Double> c = cpuRatios.get(e.getKey());
          System.out.printf(
              Locale.ROOT,
              "| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.2f |%n",
              e.getKey().name.replace("agent @ ", ""),
              percentile(v, 50),
              percentile(v, 10),
              percentile(v, 90),
              percentile(c, 50),
              percentile(c, 10),
              percentile(c, 90),
              percentile(means.get(e.getKey()), 50) / 1e6);
        }
      }
    } finally {
      for (Worker w : workers) {
        w.close(); // the agent flushes its metrics at exit
      }
      sink.stop(0);
    }
    System.out.println();
    System.out.println(
        "The agent's own measurements (from its OTLP export, whole run, all token counts):");
    System.out.println(
        "| sampling rate | mean time on the inference thread (us) | inferences | captures | captured share | dropped | re-runs on the capture session | mean re-run (ms) | mean statistics (ms) | effective rate at exit | measured cost at exit |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (String rate : rates) {
      System.out.println(costs.row("rate-" + rate, rate));
    }
    if (beforeJar != null) {
      for (String rate : rates) {
        System.out.println(costs.row("before-" + rate, "before @ " + rate));
      }
    }
    for (String label : variants.keySet()) {
      System.out.println(costs.row(label, label));
    }
  }

  static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    double rank = p / 100.0 * (sorted.size() - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (rank - lo);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  /** One child JVM running {@link OverheadWorker}. */
  private static final class Worker implements AutoCloseable {
    final String name;
    final Process process;
    final BufferedReader out;
    final PrintWriter in;
    final long startupNanos;

    private Worker(String name, Process process, BufferedReader out, long startupNanos) {
      this.name = name;
      this.process = process;
      this.out = out;
      this.in =
          new PrintWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
      this.startupNanos = startupNanos;
    }

    static Worker start(String name, List<String> jvmArgs, String classpath, String otlpEndpoint)
        throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx1g");
      command.addAll(jvmArgs);
      command.addAll(List.of("-cp", classpath, OverheadWorker.class.getName()));
      ProcessBuilder builder = new ProcessBuilder(command);
      // The agent exports for real (to a sink that discards), so its export work is included.
      builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
      builder.environment().put("OTEL_METRIC_EXPORT_INTERVAL", "10000");
      builder
          .environment()
          .put(
              "OTEL_SERVICE_NAME",
              name.replace("agent @ ", "rate-").replace("before @ ", "before-"));
      builder.redirectError(ProcessBuilder.Redirect.to(new File("/dev/null")));
      long t0 = System.nanoTime();
      Process process = builder.start();
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready = reader.readLine();
      long startup = System.nanoTime() - t0;
      if (ready == null || !ready.startsWith("ready")) {
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not start: " + ready);
      }
      return new Worker(name, process, reader, startup);
    }

    /** Mean wall time and mean calling-thread CPU time per inference, in nanoseconds. */
    long[] run(int tokens, int count) throws IOException {
      in.println("run " + tokens + " " + count);
      String line = out.readLine();
      if (line == null || !line.startsWith("mean ")) {
        throw new IllegalStateException(name + " answered " + line);
      }
      String[] parts = line.split(" ");
      return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }

    @Override
    public void close() throws InterruptedException {
      in.println("quit");
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
