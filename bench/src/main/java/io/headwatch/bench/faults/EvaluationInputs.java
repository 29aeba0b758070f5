package io.headwatch.bench.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The texts of the evaluation, all deterministic (fixed seeds): the baseline's clean traffic, the
 * held-out clean traffic, and odd inputs made from held-out sentences.
 *
 * <p>Clean traffic is the hand-written sentences of {@code verdicts/baseline.txt} (or {@code
 * heldout.txt}) plus short passages of two or three of those sentences joined, so that the baseline
 * covers lengths from 6 to about 60 tokens. The two files share no sentence.
 */
public final class EvaluationInputs {
  private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final String[] SYMBOLS = {
    "😀", "🚀", "🎉", "🔥", "🌍", "🧠", "🙈", "🍕", "🦄", "🎈"
  };

  private EvaluationInputs() {}

  /** One resource file's non-blank, non-comment lines. */
  public static List<String> sentences(String resource) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream in = EvaluationInputs.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("resource " + resource + " is not on the class path");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.strip());
        }
      }
    }
    return out;
  }

  /** The sentences plus {@code passages} joined passages, shuffled with {@code seed}. */
  public static List<String> traffic(List<String> sentences, int passages, long seed) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>(sentences);
    for (int i = 0; i < passages; i++) {
      int k = random.nextInt(3) == 0 ? 3 : 2;
      StringBuilder passage = new StringBuilder();
      for (int j = 0; j < k; j++) {
        if (j > 0) {
          passage.append(' ');
        }
        passage.append(sentences.get(random.nextInt(sentences.size())));
      }
      out.add(passage.toString());
    }
    Collections.shuffle(out, random);
    return out;
  }

  /**
   * Odd inputs by category, {@code perCategory} each: very short (one word), very long but not cut
   * (about 80 to 120 tokens), truncated (longer than the model's 128 tokens), gibberish (random
   * letter strings), and unknown-heavy (half the words replaced by emoji the vocabulary lacks).
   */
  public static Map<String, List<String>> odd(
      List<String> heldOut, int perCategory, WordPieceTokenizer tokenizer, long seed) {
    Random random = new Random(seed);
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> words = new ArrayList<>();
    for (String s : heldOut) {
      for (String w : s.split("\\s+")) {
        String clean = w.replaceAll("[^\\p{L}]", "");
        if (clean.length() >= 3) {
          words.add(clean);
        }
      }
    }
    List<String> shortOnes = new ArrayList<>();
    for (int i = 0; i < perCategory; i++) {
      shortOnes.add(words.get(random.nextInt(words.size())));
    }
    out.put("very short (one word)", shortOnes);

    List<String> longOnes = new ArrayList<>();
    while (longOnes.size() < perCategory) {
      StringBuilder text = new StringBuilder();
      int target = 80 + random.nextInt(40);
      while (tokenizer.encode(text.toString()).length() < target) {
        text.append(heldOut.get(random.nextInt(heldOut.size()))).append(' ');
      }
      WordPieceTokenizer.Encoding e = tokenizer.encode(text.toString());
      if (!e.truncated()) {
        longOnes.add(text.toString().strip());
      }
    }
    out.put("very long (80-127 tokens, not cut)", longOnes);

    List<String> truncated = new ArrayList<>();
    while (truncated.size() < perCategory) {
      StringBuilder text = new StringBuilder();
      while (tokenizer.encode(text.toString()).untruncatedLength() < 160) {
        text.append(heldOut.get(random.nextInt(heldOut.size()))).append(' ');
      }
      truncated.add(text.toString().strip());
    }
    out.put("truncated (cut at 128 tokens)", truncated);

    List<String> gibberish = new ArrayList<>();
    for (int i = 0; i < perCategory; i++) {
      StringBuilder text = new StringBuilder();
      int n = 5 + random.nextInt(11);
      for (int w = 0; w < n; w++) {
        if (w > 0) {
          text.append(' ');
        }
        int len = 3 + random.nextInt(7);
        for (int c = 0; c < len; c++) {
          text.append(LETTERS[random.nextInt(LETTERS.length)]);
        }
      }
      gibberish.add(text.toString());
    }
    out.put("gibberish (random letters)", gibberish);

    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < perCategory; i++) {
      String[] w = heldOut.get(random.nextInt(heldOut.size())).split("\\s+");
      for (int j = 0; j < w.length / 2; j++) {
        w[random.nextInt(w.length)] = SYMBOLS[random.nextInt(SYMBOLS.length)];
      }
      unknown.add(String.join(" ", w));
    }
    out.put("unknown-heavy (half the words emoji)", unknown);
    return out;
  }
}
