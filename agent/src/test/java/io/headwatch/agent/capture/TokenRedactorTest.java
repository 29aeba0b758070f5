package io.headwatch.agent.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.headwatch.agent.config.HeadwatchConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TokenRedactorTest {
  private static final String R = TokenRedactor.REDACTED;

  private static TokenRedactor defaults() {
    return TokenRedactor.of(
        HeadwatchConfig.load(null, new Properties(), Map.of()).snapshotTokensRedact());
  }

  @Test
  void anAddressSplitIntoWordPiecesIsRedactedByItsCharacterSpans() {
    // "mail ann.lee@example.com now": BERT's tokens and their spans in the input.
    String[] tokens = {
      "[CLS]", "mail", "ann", ".", "lee", "@", "example", ".", "com", "now", "[SEP]"
    };
    int[][] spans = {
      {0, 0}, {0, 4}, {5, 8}, {8, 9}, {9, 12}, {12, 13}, {13, 20}, {20, 21}, {21, 24}, {25, 28},
      {0, 0}
    };
    assertEquals(7, defaults().redact(tokens, spans));
    assertArrayEquals(new String[] {"[CLS]", "mail", R, R, R, R, R, R, R, "now", "[SEP]"}, tokens);
  }

  @Test
  void withoutSpansWordPieceMarkersAndPunctuationJoinTheTokens() {
    String[] tokens = {
      "[CLS]", "call", "+", "44", "20", "79", "##46", "09", "##58", "today", "[SEP]"
    };
    assertEquals(7, defaults().redact(tokens, null));
    assertArrayEquals(
        new String[] {"[CLS]", "call", R, R, R, R, R, R, R, "today", "[SEP]"}, tokens);
    String[] address = {"write", "to", "bob", "@", "mail", ".", "org", "please"};
    defaults().redact(address, null);
    assertArrayEquals(new String[] {"write", "to", R, R, R, R, R, "please"}, address);
  }

  @Test
  void sentencePieceMarkersSeparateWords() {
    String[] tokens = {"<s>", "\u2581order", "\u2581123", "456", "789", "\u2581late", "</s>"};
    defaults().redact(tokens, null);
    assertArrayEquals(new String[] {"<s>", "\u2581order", R, R, R, "\u2581late", "</s>"}, tokens);
  }

  @Test
  void ordinaryTextShortNumbersAndSpecialTokensAreKept() {
    String[] tokens = {"[CLS]", "order", "12", "##34", "arrived", "late", ".", "[SEP]"};
    String[] before = tokens.clone();
    assertEquals(0, defaults().redact(tokens, null));
    assertArrayEquals(before, tokens);
  }

  @Test
  void anOperatorPatternReplacesTheDefaultAndEmptyRedactsNothing() {
    String[] names = {"ask", "ali", "##ce", "about", "it"};
    TokenRedactor custom = TokenRedactor.of("(?i)alice|bob");
    assertEquals(2, custom.redact(names, null));
    assertArrayEquals(new String[] {"ask", R, R, "about", "it"}, names);
    TokenRedactor none = TokenRedactor.of("");
    assertFalse(none.active());
    String[] mail = {"a", "@", "b", ".", "com"};
    assertEquals(0, none.redact(mail, null));
    assertEquals("a", mail[0]);
  }
}
