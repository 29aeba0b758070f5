package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * What every embedding example must show under the agent at sampling 1.0: the same output bit for
 * bit, no warning, the model under the name its user recognises, and attention and activations of
 * every layer and head in the snapshots.
 */
final class EmbeddingExampleChecks {
  static final int LAYERS = 6;
  static final int HEADS = 12;

  private EmbeddingExampleChecks() {}

  static void sameOutputNoWarning(ChildJvm withoutAgent, ChildJvm withAgent, String model) {
    assertEquals(0, withoutAgent.exitCode, withoutAgent.toString());
    assertEquals(0, withAgent.exitCode, withAgent.toString());
    assertTrue(withoutAgent.stdout.contains("text 0: 384 dims"), withoutAgent.stdout);
    assertEquals(withoutAgent.stdout, withAgent.stdout);
    assertTrue(
        withAgent.stderr.contains(
            "[headwatch] observing model "
                + model
                + ": "
                + LAYERS
                + " attention layer(s), "
                + LAYERS
                + " hidden state(s)"),
        withAgent.stderr);
    assertFalse(withAgent.stderr.contains("[headwatch] WARN"), withAgent.stderr);
    assertFalse(withAgent.stderr.contains("WARNING"), withAgent.stderr);
  }

  /** Spans under {@code model}; snapshots with finite statistics for every layer and head. */
  static void recordsNameTheModelAndCoverEveryLayer(OtlpReceiver receiver, String model) {
    assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
    List<Span> spans = receiver.spans();
    assertFalse(spans.isEmpty(), "no span received");
    for (Span span : spans) {
      assertEquals("embeddings " + model, span.getName());
      assertEquals(model, OtlpReceiver.attribute(span.getAttributesList(), "gen_ai.request.model"));
    }
    List<LogRecord> snapshots = new ArrayList<>();
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")) {
        snapshots.add(record);
      }
    }
    assertFalse(snapshots.isEmpty(), "no snapshot received");
    for (LogRecord snapshot : snapshots) {
      assertEquals(
          model, OtlpReceiver.attribute(snapshot.getAttributesList(), "gen_ai.request.model"));
      double[] entropy =
          OtlpReceiver.doubles(snapshot.getAttributesList(), "headwatch.attention.entropy");
      assertNotNull(entropy, "attention in the snapshot");
      assertEquals(LAYERS * HEADS, entropy.length);
      for (double e : entropy) {
        assertTrue(e >= 0 && e <= 1, "entropy " + e);
      }
      // A hidden state of floats for every layer (a quantized model's quantization parameters
      // would give a one-value "activation" or none).
      double[] std = OtlpReceiver.doubles(snapshot.getAttributesList(), "headwatch.activation.std");
      assertNotNull(std, "activations in the snapshot");
      assertEquals(LAYERS, std.length);
      for (double s : std) {
        assertTrue(Double.isFinite(s) && s > 0, "activation std " + s);
      }
    }
  }
}
