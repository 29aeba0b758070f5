package io.headwatch.collector;

import io.headwatch.collector.config.CollectorConfig;
import io.headwatch.collector.config.ConfigException;
import io.headwatch.collector.config.ConfigLoader;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code java -jar headwatch-collector.jar [--setting value]...}: exit code 2 on a bad setting, 1
 * if the collector cannot start. Stops cleanly on SIGTERM/SIGINT (drains the queue, closes the
 * store).
 */
public final class Main {
  /** Exit code for a bad setting. */
  static final int EXIT_BAD_SETTING = 2;

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(ConfigLoader.usage());
      return;
    }
    CollectorConfig config;
    try {
      config = parse(args, System.getenv(), System.err);
    } catch (ConfigException e) {
      System.exit(EXIT_BAD_SETTING);
      return;
    }
    HeadwatchCollector collector;
    try {
      collector = HeadwatchCollector.start(config);
    } catch (Exception e) {
      System.err.println("headwatch-collector: cannot start: " + e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  collector.close();
                  System.out.println("headwatch-collector: stopped, store closed");
                },
                "headwatch-shutdown"));
    System.out.println(
        "headwatch-collector: OTLP/HTTP on "
            + config.host()
            + ":"
            + collector.otlpPort()
            + ", API and /metrics on "
            + config.host()
            + ":"
            + collector.httpPort()
            + ", data in "
            + config.dataDir().toAbsolutePath());
    System.out.flush();
    try {
      // Servers run on daemon threads: the main thread keeps the JVM up until a signal.
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Loads the config; on error prints one line to {@code err} and rethrows. */
  static CollectorConfig parse(String[] args, Map<String, String> env, PrintStream err)
      throws ConfigException {
    try {
      return ConfigLoader.load(args, env);
    } catch (ConfigException e) {
      err.println("headwatch-collector: " + e.getMessage());
      throw e;
    }
  }
}
