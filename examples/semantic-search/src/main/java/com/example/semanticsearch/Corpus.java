package com.example.semanticsearch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the sentences to search.
 *
 * <p>Format: a UTF-8 text file with one sentence per line. The id of a sentence is its 1-based line
 * number. Leading and trailing whitespace is trimmed; blank lines are skipped (they still count
 * towards the line numbers, so ids stay stable).
 */
public final class Corpus {

  /** Class-path location of the corpus that ships with the application. */
  public static final String DEFAULT_RESOURCE = "corpus.txt";

  private Corpus() {}

  /** Loads the bundled corpus from the class path. */
  public static List<Document> loadDefault() {
    InputStream in = Corpus.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE);
    if (in == null) {
      throw new IllegalStateException("resource not found on the class path: " + DEFAULT_RESOURCE);
    }
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return parse(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
    }
  }

  /** Parses one-sentence-per-line text; ids are 1-based line numbers. */
  public static List<Document> parse(Reader source) throws IOException {
    BufferedReader reader = source instanceof BufferedReader b ? b : new BufferedReader(source);
    List<Document> documents = new ArrayList<>();
    int lineNumber = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1); // tolerate a byte-order mark
      }
      String text = line.strip();
      if (!text.isEmpty()) {
        documents.add(new Document(lineNumber, text));
      }
    }
    return List.copyOf(documents);
  }
}
