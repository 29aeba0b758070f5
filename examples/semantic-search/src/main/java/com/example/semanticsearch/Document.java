package com.example.semanticsearch;

import java.util.Objects;

/**
 * One searchable sentence of the corpus.
 *
 * @param id the 1-based line number of the sentence in {@code corpus.txt}
 * @param text the sentence itself
 */
public record Document(int id, String text) {
  public Document {
    if (id < 1) {
      throw new IllegalArgumentException("id must be >= 1, got " + id);
    }
    Objects.requireNonNull(text, "text");
  }
}
