package io.headwatch.agent.onnx.graph;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The real all-MiniLM-L6-v2 export from the langchain4j test dependency, read once. */
final class MiniLmModel {
  static final int LAYERS = 6;
  private static byte[] bytes;

  private MiniLmModel() {}

  /** The model's bytes; callers must not modify them. */
  static synchronized byte[] bytes() {
    if (bytes == null) {
      try (InputStream in =
          MiniLmModel.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
        if (in == null) {
          throw new IllegalStateException("all-minilm-l6-v2.onnx is not on the test class path");
        }
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return bytes;
  }

  static String softmax(int layer) {
    return "/encoder/layer." + layer + "/attention/self/Softmax_output_0";
  }

  static String hidden(int layer) {
    return layer == LAYERS - 1
        ? "last_hidden_state"
        : "/encoder/layer." + layer + "/output/LayerNorm/Add_1_output_0";
  }
}
