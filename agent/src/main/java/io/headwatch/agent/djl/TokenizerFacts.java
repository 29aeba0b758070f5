package io.headwatch.agent.djl;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.util.Set;

/** What the agent reads from a tokenizer's output: unknown tokens and the unpadded tokens. */
final class TokenizerFacts {
  /**
   * The unknown-token spellings of the common vocabularies: BERT/WordPiece {@code [UNK]},
   * SentencePiece and BPE {@code <unk>}. HuggingFace tokenizers report the unknown token by its
   * text; DJL's tokenizer API does not expose which one a vocabulary uses.
   */
  static final Set<String> UNKNOWN = Set.of("[UNK]", "<unk>", "<UNK>", "[unk]", "<|unk|>");

  private TokenizerFacts() {}

  /** Unknown tokens among the valid (mask != 0) positions. */
  static int unknownTokens(String[] tokens, long[] mask) {
    if (tokens == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < tokens.length; i++) {
      if ((mask == null || i >= mask.length || mask[i] != 0) && UNKNOWN.contains(tokens[i])) {
        n++;
      }
    }
    return n;
  }

  /** The tokens at valid positions (padding removed). */
  static String[] validTokens(String[] tokens, long[] mask) {
    if (tokens == null) {
      return null;
    }
    if (mask == null) {
      return tokens.clone();
    }
    int n = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (i >= mask.length || mask[i] != 0) {
        n++;
      }
    }
    String[] out = new String[n];
    int k = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (i >= mask.length || mask[i] != 0) {
        out[k++] = tokens[i];
      }
    }
    return out;
  }

  /**
   * The [start, end) characters of the tokens at valid positions, aligned with {@link
   * #validTokens}; null when the tokenizer gave none (then the redactor reads word-piece markers).
   */
  static int[][] validSpans(CharSpan[] spans, long[] mask) {
    if (spans == null) {
      return null;
    }
    int[][] out = new int[spans.length][];
    int k = 0;
    for (int i = 0; i < spans.length; i++) {
      if (mask == null || i >= mask.length || mask[i] != 0) {
        CharSpan span = spans[i];
        out[k++] = span == null ? null : new int[] {span.getStart(), span.getEnd()};
      }
    }
    return java.util.Arrays.copyOf(out, k);
  }
}
