package io.headwatch.agent.capture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the tokens that spell personal data with {@link #REDACTED} before token texts leave the
 * tokenizer hook. A pattern is matched against the text the tokens spell, not token by token:
 * WordPiece splits {@code ann@example.com} into five tokens, none of which looks like an address.
 * Every token overlapping a match is replaced.
 */
public final class TokenRedactor {
  /** What a redacted token becomes. */
  public static final String REDACTED = "[REDACTED]";

  // Token texts a tokenizer adds itself; they spell nothing of the input.
  private static final java.util.Set<String> SPECIAL =
      java.util.Set.of("[CLS]", "[SEP]", "[PAD]", "<s>", "</s>", "<pad>");

  private final Pattern pattern;

  private TokenRedactor(Pattern pattern) {
    this.pattern = pattern;
  }

  /** A redactor for {@code regex}; an empty or blank regex redacts nothing. */
  public static TokenRedactor of(String regex) {
    return new TokenRedactor(regex == null || regex.isBlank() ? null : Pattern.compile(regex));
  }

  /** Whether any pattern is set. */
  public boolean active() {
    return pattern != null;
  }

  /**
   * Redacts {@code tokens} in place and returns how many were replaced.
   *
   * @param tokens the sequence's token texts
   * @param spans each token's [start, end) characters in the input, or null when unknown; then
   *     WordPiece ({@code ##}) and SentencePiece ({@code ▁}) markers say which tokens join the one
   *     before them without a space
   */
  public int redact(String[] tokens, int[][] spans) {
    if (pattern == null || tokens == null || tokens.length == 0) {
      return 0;
    }
    StringBuilder text = new StringBuilder();
    int[] from = new int[tokens.length];
    int[] to = new int[tokens.length];
    int previousEnd = Integer.MIN_VALUE;
    // SentencePiece marks the start of a word; its other pieces continue the word before them.
    boolean sentencePiece = false;
    for (String t : tokens) {
      sentencePiece |= t != null && t.startsWith("\u2581");
    }
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i] == null ? "" : tokens[i];
      if (SPECIAL.contains(t)) {
        from[i] = to[i] = -1;
        continue;
      }
      int[] span = spans != null && i < spans.length ? spans[i] : null;
      boolean joins;
      String spelled;
      if (span != null) {
        joins = span[0] == previousEnd;
        previousEnd = span[1];
        spelled = t.startsWith("##") ? t.substring(2) : t;
      } else if (t.startsWith("##")) {
        joins = true;
        spelled = t.substring(2);
      } else if (sentencePiece) {
        joins = !t.startsWith("\u2581");
        spelled = joins ? t : t.substring(1);
      } else {
        // Without spans, a WordPiece word boundary is unknown: assume a space, except around
        // punctuation, which BERT's pre-tokenizer always splits off (ann @ example . com).
        joins = text.length() > 0 && (isPunctuation(t) || endsWithPunctuation(text));
        spelled = t;
      }
      if (!joins && text.length() > 0) {
        text.append(' ');
      }
      from[i] = text.length();
      text.append(spelled);
      to[i] = text.length();
    }
    int redacted = 0;
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      if (m.end() == m.start()) {
        continue;
      }
      for (int i = 0; i < tokens.length; i++) {
        if (from[i] >= 0 && from[i] < m.end() && to[i] > m.start() && !REDACTED.equals(tokens[i])) {
          tokens[i] = REDACTED;
          redacted++;
        }
      }
    }
    return redacted;
  }

  private static boolean isPunctuation(String t) {
    return t.length() == 1 && !Character.isLetterOrDigit(t.charAt(0));
  }

  private static boolean endsWithPunctuation(CharSequence text) {
    char c = text.charAt(text.length() - 1);
    return !Character.isLetterOrDigit(c) && !Character.isWhitespace(c);
  }
}
