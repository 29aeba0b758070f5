package io.headwatch.agent.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * How the agent names models and operations when the operator configured none. The one place that
 * turns anything into a label value: printable, bounded, stable for the same model.
 */
public final class ModelNames {
  /** Longest model name, in characters. */
  public static final int MAX_LENGTH = 96;

  // Graph names that exporters write for every model: they name nothing.
  private static final Set<String> GENERIC_GRAPH_NAMES =
      Set.of("", "torch_jit", "torch-jit-export", "main_graph", "graph", "model", "tf2onnx");

  private ModelNames() {}

  /**
   * A bounded, printable label value: at most {@link #MAX_LENGTH} characters of {@code
   * [A-Za-z0-9._-]}, every other character replaced by {@code _}; {@code fallback} when nothing is
   * left.
   */
  public static String sanitize(String name, String fallback) {
    String in = name == null ? "" : name;
    StringBuilder out = new StringBuilder(Math.min(in.length(), MAX_LENGTH));
    for (int i = 0; i < in.length() && out.length() < MAX_LENGTH; i++) {
      char c = in.charAt(i);
      out.append(
          c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.') ? c : '_');
    }
    return out.length() == 0 ? fallback : out.toString();
  }

  /**
   * An ONNX model's name: the configured one; else the model file's name without extension; else
   * the graph's name when it is not an exporter default; else {@code onnx-} and a CRC32C of the
   * model bytes (stable for the same model, different for a different one).
   */
  public static String onnxModel(String configured, String path, String graphName, byte[] bytes) {
    if (!configured.isEmpty()) {
      return configured;
    }
    if (path != null) {
      Path file = Path.of(path).getFileName();
      if (file != null) {
        String name = file.toString();
        int dot = name.lastIndexOf('.');
        return sanitize(dot > 0 ? name.substring(0, dot) : name, "onnx-model");
      }
    }
    if (graphName != null && !GENERIC_GRAPH_NAMES.contains(graphName.toLowerCase(Locale.ROOT))) {
      return sanitize(graphName, "onnx-model");
    }
    if (bytes != null) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, bytes.length);
      return String.format(Locale.ROOT, "onnx-%08x", crc.getValue());
    }
    return "onnx-model";
  }

  /** The configured operation; else a GenAI operation name read from the model's output names. */
  public static String onnxOperation(String configured, List<String> outputNames) {
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
}
