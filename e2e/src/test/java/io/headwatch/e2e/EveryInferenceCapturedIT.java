package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The semantic-search example's command line at sampling rate 1.0 and the default overhead budget:
 * every inference of the run — the 336 corpus sentences and the queries, the last ones just before
 * the JVM exits — has a snapshot with its statistics, and the ones still queued at exit are
 * finished before ONNX Runtime's environment goes. (The overhead budget lets them all through
 * because it applies from a model's 30th second on, after this run of about 10 s: see {@code
 * AdaptiveSampler}. What the budget allows later at this rate is measured in BENCHMARKS.md (b), not
 * here.)
 *
 * <p>Every Headwatch setting but the sampling rate is at its default: the queue (256 captures, 64
 * MiB), the budget, the exit deadline (5 s; the test environment's longer one is removed). Only the
 * OpenTelemetry exporter's endpoint, timeout and schedule are the test's. The run's first sampled
 * calls come while the capture session is being prepared and are re-run on the statistics worker
 * afterwards, a whole inference each; the served captures that arrive meanwhile go first (see
 * {@code CapturePipeline}), so their tensors do not pile up against the byte bound.
 */
class EveryInferenceCapturedIT {
  @Test
  void aSnapshotForEveryInferenceIncludingTheLastBeforeExit() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Map<String, String> env = ChildJvm.otlpEnvironment(receiver, "every-inference-e2e");
      env.remove("HEADWATCH_SHUTDOWN_TIMEOUT_MS");
      ChildJvm app =
          ChildJvm.run(
              List.of("-javaagent:" + ChildJvm.agentJar() + "=sampling.rate=1.0"),
              List.of(
                  "-jar",
                  ChildJvm.requiredProperty("semantic-search.jar"),
                  "--query",
                  "how do I get my money back",
                  "--query",
                  "my parcel has not arrived yet",
                  "--query",
                  "what makes the sky blue"),
              env,
              300);
      assertEquals(0, app.exitCode, app.toString());
      receiver.close();

      Map<String, Span> inferences = new LinkedHashMap<>();
      for (Span span : receiver.spans()) {
        if (span.getName().startsWith("embeddings ")) {
          inferences.put(HexFormat.of().formatHex(span.getSpanId().toByteArray()), span);
        }
      }
      assertTrue(inferences.size() >= 339, inferences.size() + " inference spans: " + app);
      Set<String> captured = new TreeSet<>();
      List<String> dropped = new ArrayList<>();
      for (LogRecord record : receiver.logRecords()) {
        if (!record.getEventName().equals("headwatch.snapshot")) {
          continue;
        }
        String status =
            OtlpReceiver.attribute(record.getAttributesList(), "headwatch.capture.status");
        String span = HexFormat.of().formatHex(record.getSpanId().toByteArray());
        if ("captured".equals(status)) {
          captured.add(span);
        } else {
          dropped.add(span + ": " + record.getAttributesList());
        }
      }
      List<String> missing = new ArrayList<>();
      for (Map.Entry<String, Span> e : inferences.entrySet()) {
        if (!captured.contains(e.getKey())) {
          missing.add(e.getKey() + " " + e.getValue().getAttributesList());
        }
      }
      assertEquals(
          List.of(),
          missing,
          missing.size()
              + " of "
              + inferences.size()
              + " inferences without a snapshot; dropped: "
              + dropped
              + "; agent's drop counter: "
              + (receiver.metricsNamed("headwatch.agent.dropped").isEmpty()
                  ? "none"
                  : receiver.lastSumPoints("headwatch.agent.dropped").toString())
              + "\n"
              + app.stderr);
    }
  }
}
