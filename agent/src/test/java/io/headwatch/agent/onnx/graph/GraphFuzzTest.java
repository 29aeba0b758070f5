package io.headwatch.agent.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the whole path the agent runs on an application's model, on mutations of the
 * real all-MiniLM-L6-v2 and of a small synthetic model: read the graph (and its name alone), find
 * what to capture, rewrite it, read the rewritten model again. Every case either succeeds — and the
 * rewritten model then has every planned tensor as a graph output, and nothing else changed — or
 * fails with {@link MalformedModelException}: no other exception, no hang (each batch is bounded in
 * time), whatever the bytes. Reproducible: the seeds are fixed.
 */
class GraphFuzzTest {
  private static final int CASES = 150;

  @Test
  void mutatedMiniLmGraphsReadAndRewriteOrFailCleanly() {
    byte[] model = MiniLmModel.bytes();
    OnnxModel parsed = OnnxModel.parse(model);
    // Mutate only the graph's structure (its first bytes hold the nodes), not the weights.
    int structureEnd = Math.min(parsed.graphPayloadEnd, parsed.graphPayloadStart + 200_000);
    assertTimeoutPreemptively(
        Duration.ofMinutes(5),
        () -> run(model, parsed.graphPayloadStart, structureEnd, new Random(11L), CASES));
  }

  @Test
  void mutatedSyntheticModelsReadAndRewriteOrFailCleanly() {
    byte[] model = MalformedModelTest.validModel();
    assertTimeoutPreemptively(
        Duration.ofMinutes(5), () -> run(model, 0, model.length, new Random(12L), 5 * CASES));
  }

  private static void run(byte[] model, int from, int to, Random random, int cases) {
    int succeeded = 0;
    for (int c = 0; c < cases; c++) {
      byte[] mutated = model.clone();
      int edits = 1 + random.nextInt(8);
      for (int e = 0; e < edits; e++) {
        int at = from + random.nextInt(to - from);
        switch (random.nextInt(3)) {
          case 0 -> mutated[at] = (byte) random.nextInt(256);
          case 1 -> mutated[at] ^= (byte) (1 << random.nextInt(8));
          default -> mutated[at] = (byte) (random.nextBoolean() ? 0x80 : 0xFF); // varint-ish
        }
      }
      if (oneCase(mutated)) {
        succeeded++;
      }
    }
    assertTrue(succeeded > 0, "some mutations must still be models (else the test tests nothing)");
  }

  /** True when the bytes were a model and the rewrite round-tripped; throws on a wrong failure. */
  private static boolean oneCase(byte[] bytes) {
    try {
      OnnxModel.graphName(ByteBuffer.wrap(bytes));
    } catch (MalformedModelException expected) {
      // a clear error is fine
    }
    OnnxModel parsed;
    try {
      parsed = OnnxModel.parse(bytes);
    } catch (MalformedModelException expected) {
      return false;
    }
    CapturePlan plan = AttentionGraphAnalyzer.analyze(parsed);
    byte[] rewritten;
    try {
      rewritten = ModelRewriter.withExtraOutputs(bytes, parsed, plan.tensorNames());
    } catch (MalformedModelException expected) {
      return false; // e.g. would exceed 2 GiB
    }
    OnnxModel again = OnnxModel.parse(rewritten);
    Set<String> outputs = new HashSet<>(again.graphOutputs());
    assertTrue(outputs.containsAll(plan.tensorNames()), "every planned tensor is an output");
    assertTrue(outputs.containsAll(parsed.graphOutputs()), "the original outputs stay");
    assertTrue(again.nodes().size() == parsed.nodes().size(), "no node added or lost");
    return true;
  }
}
