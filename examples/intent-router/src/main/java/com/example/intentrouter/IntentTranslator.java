package com.example.intentrouter;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/** A support message in, its intents with probabilities out: embedding, then the classifier. */
final class IntentTranslator implements NoBatchifyTranslator<String, Classifications> {
  private final EmbeddingTranslator embedding;
  private final IntentClassifier classifier;

  IntentTranslator(EmbeddingTranslator embedding, IntentClassifier classifier) {
    this.embedding = embedding;
    this.classifier = classifier;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, String input) {
    return embedding.processInput(ctx, input);
  }

  @Override
  public Classifications processOutput(TranslatorContext ctx, NDList list) {
    return classifier.classify(embedding.processOutput(ctx, list));
  }
}
