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
 * the JVM exits — has a snapshot with its statistics. Captures cost the extra outputs and the
 * statistics, not a second inference, so the budget lets them all through, and the ones still
 * queued at exit are finished before ONNX Runtime's environment goes.
 *
 * <p>The queue and the exit deadline are sized for the whole run: with the defaults (256 captures,
 * 64 MiB, 5 s) a worker slowed by a busy machine falls behind the application, and the captures
 * that do not fit are dropped and say so on their spans ({@code headwatch.capture.status=dropped},
 * {@code queue_full}) — correct, but then how many depends on the machine's speed, not on a
 * condition this test can hold.
 */
class EveryInferenceCapturedIT {
  @Test
  void aSnapshotForEveryInferenceIncludingTheLastBeforeExit() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Map<String, String> env = ChildJvm.otlpEnvironment(receiver, "every-inference-e2e");
      env.put("HEADWATCH_SHUTDOWN_TIMEOUT_MS", "120000");
      ChildJvm app =
          ChildJvm.run(
              List.of(
                  "-javaagent:"
                      + ChildJvm.agentJar()
                      + "=sampling.rate=1.0,queue.capacity=1000,queue.max_bytes=1073741824"),
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
              + "\n"
              + app.stderr);
    }
  }
}
