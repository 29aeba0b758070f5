package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Headwatch beside the official OpenTelemetry Java agent, a common production set-up: two {@code
 * -javaagent} flags. The OpenTelemetry agent transforms many of the same classes (it adds
 * interfaces to every {@code Runnable}, ONNX Runtime's shutdown hook among them); Headwatch must
 * still weave its shutdown guard, observe the model, leave the application's output bit for bit as
 * without agents, and never crash the JVM at exit — which it did before (SIGSEGV in
 * libonnxruntime.so when its capture session was still being created while ONNX Runtime's hook
 * released the environment).
 *
 * <p>Each application runs {@code two-agents.runs} times (once by default, enough for the crash
 * above, which happened in every run; {@code -Dtwo-agents.runs=20} for the full check), with every
 * inference sampled so that agent work is in flight at exit.
 */
class BesideOpenTelemetryAgentIT {
  private static final String HEADWATCH_ARGS = "=sampling.rate=1.0,overhead.budget=none";

  @Test
  void fixedInputAppExitsCleanlyWithIdenticalOutputInTheRequestsTrace() throws Exception {
    String classpath =
        String.join(
            File.pathSeparator,
            System.getProperty("basedir", ".") + "/target/test-classes",
            ChildJvm.requiredProperty("onnxruntime.jar"),
            ChildJvm.requiredProperty("minilm.jar"),
            ChildJvm.requiredProperty("app-otel-api.jar"),
            ChildJvm.requiredProperty("app-otel-context.jar"));
    List<String> main = List.of("-cp", classpath, FixedInputApp.class.getName());
    ChildJvm withoutAgents = ChildJvm.run(List.of(), main, Map.of(), 300);
    assertEquals(0, withoutAgents.exitCode, withoutAgents.toString());

    for (int run = 1; run <= runs(); run++) {
      try (OtlpReceiver receiver = new OtlpReceiver()) {
        ChildJvm withAgents =
            ChildJvm.run(bothAgents(), main, environment(receiver, "two-agents-e2e"), 300);
        assertCleanRun(run, withAgents, withoutAgents);
        receiver.close();

        // Headwatch's inference span belongs to the request's trace, which the application's
        // context (read through its OpenTelemetry API, bridged by the OpenTelemetry agent) carries.
        // The request is not sampled on purpose, so the OpenTelemetry agent exports no span of it;
        // Headwatch keeps its records whatever the application samples.
        List<String> names = new ArrayList<>();
        for (Span span : receiver.spans()) {
          String trace = HexFormat.of().formatHex(span.getTraceId().toByteArray());
          if (trace.equals(FixedInputApp.REQUEST_TRACE_ID)) {
            names.add(span.getName());
          }
        }
        assertTrue(
            names.stream().anyMatch(n -> n.startsWith("embeddings ")),
            "run " + run + ": spans of the request's trace " + names);
      }
    }
  }

  @Test
  void semanticSearchExampleExitsCleanlyWithIdenticalOutput() throws Exception {
    List<String> main =
        List.of(
            "-jar",
            ChildJvm.requiredProperty("semantic-search.jar"),
            "--query",
            "how do I get my money back",
            "--query",
            "my parcel has not arrived yet");
    ChildJvm withoutAgents = ChildJvm.run(List.of(), main, Map.of(), 300);
    assertEquals(0, withoutAgents.exitCode, withoutAgents.toString());
    for (int run = 1; run <= runs(); run++) {
      try (OtlpReceiver receiver = new OtlpReceiver()) {
        ChildJvm withAgents =
            ChildJvm.run(bothAgents(), main, environment(receiver, "two-agents-search"), 300);
        assertCleanRun(run, withAgents, withoutAgents);
      }
    }
  }

  private static void assertCleanRun(int run, ChildJvm withAgents, ChildJvm withoutAgents) {
    assertEquals(0, withAgents.exitCode, "run " + run + ": " + withAgents);
    assertEquals(withoutAgents.stdout, withAgents.stdout, "run " + run);
    assertTrue(
        withAgents.stderr.contains("opentelemetry-javaagent - version"),
        "the OpenTelemetry agent ran: " + withAgents.stderr);
    // The shutdown guard is in place (without it the agent would say so and capture nothing).
    assertTrue(
        withAgents.stderr.contains("attention layer(s)"),
        "run " + run + ": Headwatch observes the model: " + withAgents.stderr);
    assertFalse(
        withAgents.stderr.contains("[headwatch] WARN"), "run " + run + ": " + withAgents.stderr);
  }

  private static List<String> bothAgents() {
    return List.of(
        "-javaagent:" + ChildJvm.requiredProperty("otel-javaagent.jar"),
        "-javaagent:" + ChildJvm.agentJar() + HEADWATCH_ARGS);
  }

  private static Map<String, String> environment(OtlpReceiver receiver, String service) {
    return ChildJvm.otlpEnvironment(receiver, service);
  }

  private static int runs() {
    return Integer.parseInt(System.getProperty("two-agents.runs", "1"));
  }
}
