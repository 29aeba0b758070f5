package io.headwatch.agent.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslatorContext;
import io.headwatch.agent.model.ModelNames;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /** A model as DJL's model zoo names it without optModelName: after its folder. */
  static final class PathNamedModel extends ai.djl.BaseModel {
    PathNamedModel(Path dir) {
      super(dir.getFileName().toString());
      this.modelDir = dir;
    }

    @Override
    public void load(Path path, String prefix, java.util.Map<String, ?> options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  @Test
  void operationFollowsTheTranslatorsOutputTypeOrName() {
    assertEquals("classification", DjlModels.operation(new IntentTranslator()));
    assertEquals("embeddings", DjlModels.operation(new SentenceEmbeddingTranslator()));
    assertEquals("inference", DjlModels.operation(new NoopTranslator()));
    assertEquals("inference", DjlModels.operation(new PlainSubclass()));
    assertEquals("inference", DjlModels.operation(null));
  }

  /**
   * A real DJL model loaded from a temporary folder, without {@code optModelName}: DJL names it
   * after the folder, random digits included; the agent reports the stable part.
   */
  @Test
  void aModelInATemporaryFolderIsNamedWithoutItsRandomSuffix(@TempDir Path parent)
      throws Exception {
    Path dir = Files.createTempDirectory(parent, "djl-minilm");
    assertTrue(dir.getFileName().toString().matches("djl-minilm\\d{6,}"), dir.toString());
    try (ai.djl.Model model = new PathNamedModel(dir)) {
      assertEquals(dir.getFileName().toString(), model.getName(), "DJL's own name");
      assertEquals("djl-minilm", DjlModels.modelName(model));
    }
  }

  @Test
  void namesAreBoundedAndPrintable() {
    assertEquals("djl-model", DjlModels.modelName(null), "no model, no name: a fixed one");
    assertEquals("a_b_c.d-e", ModelNames.sanitize("a/b c.d-e", "djl-model"));
    assertEquals("caf_", ModelNames.sanitize("café", "djl-model"));
    assertEquals("djl-model", ModelNames.sanitize("", "djl-model"));
    assertEquals(96, ModelNames.sanitize("x".repeat(500), "djl-model").length());
  }
}
