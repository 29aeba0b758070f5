package io.headwatch.agent.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import io.headwatch.agent.instrumentation.CallDepth;
import io.headwatch.agent.instrumentation.PredictionScope;
import io.headwatch.agent.runtime.AgentRuntime;

/**
 * The HuggingFace tokenizer's encodings inside a prediction: each outermost {@code toEncoding} adds
 * one sequence's token count, truncation, unknown tokens (and, with token capture on, its tokens)
 * to the prediction's scope. Encodings outside a prediction are not attributed.
 */
final class DjlTokenizerHooks {
  // toEncoding calls itself for overflowing parts: only the outermost is one sequence.
  private static final CallDepth DEPTH = CallDepth.create();

  private DjlTokenizerHooks() {}

  static boolean enter() {
    return DEPTH.enter() == 0;
  }

  static void exit(boolean outermost, Object encoding) {
    DEPTH.exit();
    if (!outermost || !(encoding instanceof Encoding e)) {
      return;
    }
    PredictionScope scope = PredictionScope.current();
    if (scope == null) {
      return;
    }
    long[] mask = e.getAttentionMask();
    String[] tokens = e.getTokens();
    int valid = 0;
    if (mask != null) {
      for (long m : mask) {
        valid += m != 0 ? 1 : 0;
      }
    } else if (tokens != null) {
      valid = tokens.length;
    }
    int unknown = TokenizerFacts.unknownTokens(tokens, mask);
    String[] kept = null;
    if (scope.tokenizedSequences() < scope.tokenTextSequences()) {
      kept = TokenizerFacts.validTokens(tokens, mask);
      AgentRuntime runtime = AgentRuntime.current();
      if (kept != null && runtime != null && runtime.tokenRedactor().active()) {
        // Redacted here, before the texts are kept anywhere: nothing later sees the originals.
        runtime
            .tokenRedactor()
            .redact(kept, TokenizerFacts.validSpans(e.getCharTokenSpans(), mask));
      }
    }
    scope.addTokenizedSequence(valid, e.exceedMaxLength(), unknown, kept);
  }
}
