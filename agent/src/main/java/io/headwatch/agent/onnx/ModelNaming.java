package io.headwatch.agent.onnx;

import io.headwatch.agent.onnx.graph.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32C;

/** Derives a model's name and operation when the operator configured none. */
final class ModelNaming {
  // Graph names that exporters write for every model: they name nothing.
  private static final Set<String> GENERIC_GRAPH_NAMES =
      Set.of("", "torch_jit", "torch-jit-export", "main_graph", "graph", "model", "tf2onnx");

  private ModelNaming() {}

  /**
   * The configured name; else the model file's name without extension; else the graph's name when
   * it is not an exporter default; else {@code onnx-} and a CRC32C of the model bytes (stable for
   * the same model, different for a different one).
   */
  static String modelName(String configured, String path, OnnxModel parsed, byte[] bytes) {
    if (!configured.isEmpty()) {
      return configured;
    }
    if (path != null) {
      Path file = Path.of(path).getFileName();
      if (file != null) {
        String name = file.toString();
        int dot = name.lastIndexOf('.');
        return sanitize(dot > 0 ? name.substring(0, dot) : name);
      }
    }
    if (parsed != null
        && !GENERIC_GRAPH_NAMES.contains(parsed.graphName().toLowerCase(Locale.ROOT))) {
      return sanitize(parsed.graphName());
    }
    if (bytes != null) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, bytes.length);
      return String.format(Locale.ROOT, "onnx-%08x", crc.getValue());
    }
    return "onnx-model";
  }

  /** The configured operation; else a GenAI operation name read from the model's output names. */
  static String operationName(String configured, List<String> outputNames) {
    if (!configured.isEmpty()) {
      return configured;
    }
    for (String output : outputNames) {
      String name = output.toLowerCase(Locale.ROOT);
      if (name.contains("logits") || name.contains("probabilities")) {
        return "classification";
      }
      if (name.contains("hidden_state") || name.contains("embedding")) {
        return "embeddings";
      }
    }
    return "inference";
  }

  /** Bounded, printable label values: a file name is not user input, but it can be anything. */
  static String sanitize(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), 96));
    for (int i = 0; i < name.length() && out.length() < 96; i++) {
      char c = name.charAt(i);
      out.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
    }
    return out.length() == 0 ? "onnx-model" : out.toString();
  }
}
