package io.headwatch.agent.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslatorContext;
import io.headwatch.agent.model.ModelNames;
import org.junit.jupiter.api.Test;

class DjlModelsTest {
  static final class IntentTranslator implements NoBatchifyTranslator<String, Classifications> {
    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
      return null;
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
      return null;
    }
  }

  static final class SentenceEmbeddingTranslator implements NoBatchifyTranslator<String, float[]> {
    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
      return null;
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      return null;
    }
  }

  static final class PlainSubclass extends NoopTranslator {}

  @Test
  void operationFollowsTheTranslatorsOutputTypeOrName() {
    assertEquals("classification", DjlModels.operation(new IntentTranslator()));
    assertEquals("embeddings", DjlModels.operation(new SentenceEmbeddingTranslator()));
    assertEquals("inference", DjlModels.operation(new NoopTranslator()));
    assertEquals("inference", DjlModels.operation(new PlainSubclass()));
    assertEquals("inference", DjlModels.operation(null));
  }

  @Test
  void namesAreBoundedAndPrintable() {
    assertEquals("djl-model", DjlModels.modelName("", null), "no model, no name: a fixed one");
    assertEquals("configured", DjlModels.modelName("configured", null));
    assertEquals("a_b_c.d-e", ModelNames.sanitize("a/b c.d-e", "djl-model"));
    assertEquals("caf_", ModelNames.sanitize("café", "djl-model"));
    assertEquals("djl-model", ModelNames.sanitize("", "djl-model"));
    assertEquals(96, ModelNames.sanitize("x".repeat(500), "djl-model").length());
  }
}
