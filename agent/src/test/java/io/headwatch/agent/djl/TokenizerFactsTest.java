package io.headwatch.agent.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TokenizerFactsTest {
  @Test
  void countsUnknownTokensAtValidPositionsOnly() {
    String[] tokens = {"[CLS]", "my", "[UNK]", "order", "[UNK]", "[SEP]", "[UNK]"};
    long[] mask = {1, 1, 1, 1, 1, 1, 0};
    assertEquals(2, TokenizerFacts.unknownTokens(tokens, mask));
    assertEquals(3, TokenizerFacts.unknownTokens(tokens, null));
    assertEquals(1, TokenizerFacts.unknownTokens(new String[] {"<s>", "<unk>", "</s>"}, null));
    assertEquals(0, TokenizerFacts.unknownTokens(new String[] {"unk", "UNK", "[unused1]"}, null));
    assertEquals(0, TokenizerFacts.unknownTokens(null, mask));
  }

  @Test
  void validTokensDropPadding() {
    String[] tokens = {"[CLS]", "hi", "[SEP]", "[PAD]", "[PAD]"};
    assertArrayEquals(
        new String[] {"[CLS]", "hi", "[SEP]"},
        TokenizerFacts.validTokens(tokens, new long[] {1, 1, 1, 0, 0}));
    assertArrayEquals(tokens, TokenizerFacts.validTokens(tokens, null));
    assertNull(TokenizerFacts.validTokens(null, null));
  }
}
