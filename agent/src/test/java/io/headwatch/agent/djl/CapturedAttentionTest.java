package io.headwatch.agent.djl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CapturedAttentionTest {
  @Test
  void rowsOfProbabilitiesAreAttention() {
    float third = 1f / 3;
    assertTrue(
        CapturedAttention.looksLikeProbabilities(
            new float[] {third, third, third, 1, 0, 0, 0.2f, 0.3f, 0.5f}, 3));
    assertTrue(CapturedAttention.looksLikeProbabilities(new float[] {1, 1}, 1));
  }

  @Test
  void otherSquareTensorsAreNot() {
    // An image-like tensor: values beyond 1.
    assertFalse(CapturedAttention.looksLikeProbabilities(new float[] {0.5f, 2f, 0.1f, 0.1f}, 2));
    // Rows that do not sum to 1 (a mask, a score matrix).
    assertFalse(CapturedAttention.looksLikeProbabilities(new float[] {1, 1, 0, 1}, 2));
    assertFalse(CapturedAttention.looksLikeProbabilities(new float[] {-0.5f, 1.5f, 0.5f, 0.5f}, 2));
    assertFalse(
        CapturedAttention.looksLikeProbabilities(new float[] {Float.NaN, 1, 0.5f, 0.5f}, 2));
    assertFalse(CapturedAttention.looksLikeProbabilities(new float[] {1, 0, 1}, 2));
    assertFalse(CapturedAttention.looksLikeProbabilities(new float[] {1}, 0));
  }
}
