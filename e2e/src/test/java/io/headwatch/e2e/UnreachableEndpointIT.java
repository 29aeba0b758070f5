package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent when its endpoint is unreachable or never answers: the application's output is what it
 * is without the agent, the JVM exits (the agent gives up flushing at its shutdown deadline and
 * says so), and the agent's problems take a line or two on standard error — no stack traces, no
 * java.util.logging noise from its SDK.
 */
class UnreachableEndpointIT {
  private static ChildJvm withoutAgent;

  @BeforeAll
  static void reference() throws Exception {
    withoutAgent = ChildJvm.run(List.of(), main(), Map.of(), 300);
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
  }

  /**
   * {@link FixedInputApp}: a few inferences, about 1.5 s. The endpoint is what is under test, so
   * the application is the shortest one that runs the model (the semantic-search example, which
   * embeds 336 sentences first, made this test 30 s longer and no stronger).
   */
  private static List<String> main() {
    String classpath =
        String.join(
            File.pathSeparator,
            System.getProperty("basedir", ".") + "/target/test-classes",
            ChildJvm.requiredProperty("onnxruntime.jar"),
            ChildJvm.requiredProperty("minilm.jar"),
            ChildJvm.requiredProperty("app-otel-api.jar"),
            ChildJvm.requiredProperty("app-otel-context.jar"));
    return List.of("-cp", classpath, FixedInputApp.class.getName());
  }

  private static ChildJvm runWithEndpoint(String endpoint) throws Exception {
    Map<String, String> env =
        Map.of(
            "OTEL_EXPORTER_OTLP_ENDPOINT", endpoint,
            "OTEL_SERVICE_NAME", "unreachable-e2e",
            "OTEL_BSP_SCHEDULE_DELAY", "200",
            "OTEL_BLRP_SCHEDULE_DELAY", "200",
            "OTEL_METRIC_EXPORT_INTERVAL", "1000",
            "HEADWATCH_SHUTDOWN_TIMEOUT_MS", "3000");
    return ChildJvm.run(
        List.of("-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0"), main(), env, 300);
  }

  private static void assertQuiet(ChildJvm run) {
    assertEquals(0, run.exitCode, run.toString());
    assertEquals(withoutAgent.stdout, run.stdout, "the application's output");
    assertFalse(run.stderr.contains("\tat "), "no stack trace:\n" + run.stderr);
    assertFalse(run.stderr.contains("WARNING:"), "no java.util.logging lines:\n" + run.stderr);
    assertFalse(run.stderr.contains("SEVERE:"), "no java.util.logging lines:\n" + run.stderr);
    long exportLines =
        run.stderr
            .lines()
            .filter(
                l ->
                    l.contains("telemetry export problem")
                        || l.contains("could not export telemetry")
                        || l.contains("telemetry not flushed"))
            .count();
    assertTrue(exportLines >= 1 && exportLines <= 2, exportLines + " export lines:\n" + run.stderr);
  }

  @Test
  void connectionRefused() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    } // closed: nothing listens there now
    ChildJvm run = runWithEndpoint("http://127.0.0.1:" + port);
    assertQuiet(run);
    // Which line the user sees depends on how long the OTLP exporter's retries (within its 10 s
    // timeout) take against the run's length, not on anything the agent decides: a failure reported
    // while the application runs, or, at the latest, the exit line. Either names the problem.
    assertTrue(
        run.stderr.contains("[headwatch] WARN could not export telemetry")
            || run.stderr.contains("[headwatch] WARN exit: telemetry not flushed"),
        run.stderr);
  }

  @Test
  void anEndpointThatNeverAnswersDoesNotHoldTheExitBeyondTheDeadline() throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(blackHole.accept()); // accepted, never read, never answered
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      long start = System.nanoTime();
      ChildJvm run = runWithEndpoint("http://127.0.0.1:" + blackHole.getLocalPort());
      System.out.println(
          "[unreachable-e2e] run with a silent endpoint took "
              + (System.nanoTime() - start) / 1_000_000
              + " ms (shutdown timeout 3000 ms)");
      assertEquals(0, run.exitCode, run.toString());
      assertEquals(withoutAgent.stdout, run.stdout);
      assertFalse(run.stderr.contains("\tat "), run.stderr);
      assertTrue(
          run.stderr.contains(
              "[headwatch] WARN exit: telemetry not flushed within headwatch.shutdown.timeout_ms=3000 ms"),
          run.stderr);
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
