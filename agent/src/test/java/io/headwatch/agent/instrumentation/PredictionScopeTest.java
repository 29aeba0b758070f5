package io.headwatch.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The per-thread "current prediction" that nested hooks contribute to. */
class PredictionScopeTest {
  @Test
  void openOnThisThreadOnlyUntilClosed() throws Exception {
    PredictionScope scope = PredictionScope.open(null, Span.getInvalid(), true, 1, 2, 3, 0);
    assertSame(scope, PredictionScope.current());
    PredictionScope[] seen = new PredictionScope[1];
    Thread other = new Thread(() -> seen[0] = PredictionScope.current());
    other.start();
    other.join();
    assertNull(seen[0], "another thread has no scope");
    scope.close();
    assertNull(PredictionScope.current());
  }

  @Test
  void oneAttentionCapturePerPrediction() {
    PredictionScope scope = PredictionScope.open(null, Span.getInvalid(), true, 0, 0, 1, 0);
    try {
      assertFalse(scope.attentionClaimed());
      assertTrue(scope.claimAttention());
      assertFalse(scope.claimAttention(), "a second engine call is not captured again");
      assertTrue(scope.attentionClaimed());
    } finally {
      scope.close();
    }
  }

  @Test
  void tokenizerCountsWinOverTheEnginesAndAreBounded() {
    PredictionScope scope = PredictionScope.open(null, Span.getInvalid(), false, 0, 0, 2, 0);
    try {
      assertArrayEquals(new int[0], scope.tokensPerSequence());
      scope.engineTokens(new int[] {9, 5});
      scope.engineTokens(new int[] {1, 1});
      assertArrayEquals(
          new int[] {9, 5}, scope.tokensPerSequence(), "the first engine call counts");
      scope.addTokenizedSequence(7, false, 0, new String[] {"a"});
      scope.addTokenizedSequence(128, true, 2, null);
      assertArrayEquals(new int[] {7, 128}, scope.tokensPerSequence());
      assertTrue(scope.truncated(1));
      assertEquals(2, scope.unknownTokens(1));
      assertNull(scope.tokenTexts(), "token capture off: no texts kept");
      for (int i = 0; i < PredictionScope.MAX_SEQUENCES + 10; i++) {
        scope.addTokenizedSequence(1, false, 0, null);
      }
      assertEquals(PredictionScope.MAX_SEQUENCES, scope.tokenizedSequences());
    } finally {
      scope.close();
    }
  }

  @Test
  void tokenTextsAreKeptOnlyWhenAskedAndBounded() {
    PredictionScope scope = PredictionScope.open(null, Span.getInvalid(), true, 0, 0, 3, 2);
    try {
      String[] many = new String[PredictionScope.MAX_TOKENS_KEPT + 5];
      Arrays.fill(many, "x".repeat(200));
      scope.addTokenizedSequence(3, false, 0, new String[] {"[CLS]", "hi", "[SEP]"});
      scope.addTokenizedSequence(many.length, false, 0, many);
      scope.addTokenizedSequence(1, false, 0, new String[] {"third"});
      assertEquals(2, scope.tokenTexts().size(), "at most the configured sequences");
      assertEquals(java.util.List.of("[CLS]", "hi", "[SEP]"), scope.tokenTexts().get(0));
      assertEquals(PredictionScope.MAX_TOKENS_KEPT, scope.tokenTexts().get(1).size());
      assertEquals(PredictionScope.MAX_TOKEN_CHARS, scope.tokenTexts().get(1).get(0).length());
    } finally {
      scope.close();
    }
  }
}
