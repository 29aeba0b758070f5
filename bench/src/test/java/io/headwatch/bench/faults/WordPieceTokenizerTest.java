package io.headwatch.bench.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ids of bert-base-uncased's vocabulary, which all-MiniLM-L6-v2 shares. */
class WordPieceTokenizerTest {
  private static WordPieceTokenizer tokenizer;

  @BeforeAll
  static void load() throws Exception {
    tokenizer = WordPieceTokenizer.miniLm();
  }

  @Test
  void theHuggingFaceDocumentationExample() {
    // "Hello, my dog is cute" -> [CLS] hello , my dog is cute [SEP], as in the transformers docs.
    assertArrayEquals(
        new long[] {101, 7592, 1010, 2026, 3899, 2003, 10140, 102},
        tokenizer.encode("Hello, my dog is cute").ids());
  }

  @Test
  void normalisesCaseAccentsAndPunctuation() {
    assertEquals(
        List.of("hello", ",", "world", "!"),
        WordPieceTokenizer.words(WordPieceTokenizer.normalize("Héllo,  WORLD!")));
    assertEquals(List.of("日", "本"), WordPieceTokenizer.words(WordPieceTokenizer.normalize("日本")));
  }

  @Test
  void wordsOutsideTheVocabularyAreCountedAsUnknown() {
    WordPieceTokenizer.Encoding e = tokenizer.encode("ok 😀 ok 🚀");
    assertEquals(2, e.unknownTokens());
    assertEquals(6, e.length()); // [CLS] ok [UNK] ok [UNK] [SEP]
  }

  @Test
  void longInputsAreCutAtTheModelsMaximumLength() {
    assertEquals(128, tokenizer.maxLength());
    String text = "word ".repeat(300);
    WordPieceTokenizer.Encoding e = tokenizer.encode(text);
    assertTrue(e.truncated());
    assertEquals(128, e.length());
    assertEquals(302, e.untruncatedLength());
    assertEquals(102, e.ids()[127]);
    WordPieceTokenizer.Encoding shortOne = tokenizer.encode("word ".repeat(126));
    assertFalse(shortOne.truncated());
    assertEquals(128, shortOne.length());
  }
}
