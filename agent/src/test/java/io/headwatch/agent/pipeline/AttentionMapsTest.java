package io.headwatch.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.FloatTensor;
import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.agent.stats.SequenceStatistics;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Attention maps: the byte layouts of the telemetry contract, and which sequences send them. */
class AttentionMapsTest {
  /** batch 1, 1 head, 3 positions, the last one padding; rows hand-written. */
  private static Capture oneHead(int layers) {
    Capture.Builder b = Capture.builder(null, null).mask(new long[] {1, 1, 0});
    for (int l = 0; l < layers; l++) {
      float[] a = {
        1.0f, 0.0f, 9f, // query 0 (key 2 is padding: never read)
        0.25f, 0.75f, 9f,
        9f, 9f, 9f // query 2 is padding
      };
      b.attention(l, FloatTensor.of(new long[] {1, 1, 3, 3}, a));
    }
    return b.build();
  }

  @Test
  void fullMapsAreOneBytePerWeightOverValidPositions() {
    AttentionMapEncoder encoder = new AttentionMapEncoder(64, 8);
    Capture c = oneHead(2);
    assertEquals(2 * 1 * 2 * 2, encoder.size(c, 0));
    AttentionMapEncoder.Encoded e = encoder.encode(c, 0);
    assertEquals("u8", e.encoding());
    assertEquals(2, e.tokens());
    assertEquals(2, e.layers());
    assertEquals(1, e.heads());
    // round(w * 255): 1 -> 255, 0 -> 0, 0.25 -> 64 (63.75), 0.75 -> 191 (191.25)
    byte[] layer = {(byte) 255, 0, 64, (byte) 191};
    byte[] expected = new byte[8];
    System.arraycopy(layer, 0, expected, 0, 4);
    System.arraycopy(layer, 0, expected, 4, 4);
    assertArrayEquals(expected, e.body());
  }

  @Test
  void longSequencesSendEachQuerysLargestWeights() {
    AttentionMapEncoder encoder = new AttentionMapEncoder(1, 1);
    AttentionMapEncoder.Encoded e = encoder.encode(oneHead(1), 0);
    assertEquals("topk_u8", e.encoding());
    assertEquals(1, e.topK());
    // Query 0: key 0 (1.0); query 1: key 1 (0.75). Key index as uint16 little endian, then weight.
    assertArrayEquals(new byte[] {0, 0, (byte) 255, 1, 0, (byte) 191}, e.body());
    assertEquals(2 * 1 * 3, encoder.size(oneHead(1), 0));
  }

  @Test
  void topKPadsWithNoKeyWhenARowHasFewerPositiveWeights() {
    AttentionMapEncoder encoder = new AttentionMapEncoder(1, 2);
    byte[] body = encoder.encode(oneHead(1), 0).body();
    // Query 0 has one positive weight: its second entry is "no key".
    assertArrayEquals(
        new byte[] {0, 0, (byte) 255, (byte) 0xFF, (byte) 0xFF, 0},
        java.util.Arrays.copyOf(body, 6));
    // Query 1: key 1 (0.75) before key 0 (0.25).
    assertArrayEquals(
        new byte[] {1, 0, (byte) 191, 0, 0, 64}, java.util.Arrays.copyOfRange(body, 6, 12));
  }

  private static SequenceStatistics sequence(double entropyOfHead0) {
    SequenceStatistics s = new SequenceStatistics(0, 1);
    double[] stats = new double[2 * AttentionStatistics.COUNT];
    java.util.Arrays.fill(stats, 0.5);
    stats[AttentionStatistics.ENTROPY] = entropyOfHead0;
    s.attention(0, 2, stats);
    return s;
  }

  @Test
  void unusualSequencesAndTheOperatorSwitchChooseMapsWithinTheBudget() {
    long[] now = {0};
    AttentionMapPolicy policy = new AttentionMapPolicy(0.0, 4.0, 600, () -> now[0], new Random(1));
    Random noise = new Random(7);
    for (int i = 0; i < AttentionMapPolicy.WARM_UP + 50; i++) {
      assertNull(policy.reason(sequence(0.5 + noise.nextGaussian() * 0.01), false));
    }
    assertEquals("unusual", policy.reason(sequence(0.05), false), "a head far from its own mean");
    assertEquals("operator", policy.reason(sequence(0.5), true));
    assertTrue(policy.spend(600), "a minute's budget");
    assertFalse(policy.spend(1), "then nothing until it refills");
    now[0] += 30_000_000_000L; // half a minute: half the budget back
    assertTrue(policy.spend(300));
    assertFalse(policy.spend(1));
  }

  @Test
  void aRandomShareOfOrdinarySequences() {
    AttentionMapPolicy policy = new AttentionMapPolicy(0.1, 0.0, 1 << 20, () -> 0L, new Random(3));
    int chosen = 0;
    for (int i = 0; i < 10_000; i++) {
      chosen += "random".equals(policy.reason(sequence(0.5), false)) ? 1 : 0;
    }
    // Binomial(10000, 0.1): mean 1000, standard deviation 30; allow 6 of them.
    assertEquals(1000, chosen, 180);
  }
}
