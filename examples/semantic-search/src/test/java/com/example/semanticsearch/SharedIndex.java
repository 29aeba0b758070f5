package com.example.semanticsearch;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/** Builds the real index once per test JVM, so the corpus is embedded only once. */
final class SharedIndex {

  private static SemanticIndex index;

  private SharedIndex() {}

  static synchronized SemanticIndex get() {
    if (index == null) {
      index = SemanticIndex.build(new AllMiniLmL6V2EmbeddingModel(), Corpus.loadDefault());
    }
    return index;
  }
}
