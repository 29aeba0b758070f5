package io.headwatch.agent.model;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  // Path segments and names that name no model: skipped when looking for one that does.
  private static final Set<String> GENERIC_SEGMENTS =
      Set.of(
          "model",
          "models",
          "onnx",
          "tmp",
          "temp",
          "cache",
          "resources",
          "classes",
          "weights",
          "main",
          "raw",
          "blob",
          "resolve",
          "snapshots",
          "djl-model");

  private static final List<String> MODEL_EXTENSIONS =
      List.of(".onnx", ".ort", ".pt", ".pth", ".torchscript", ".bin", ".safetensors", ".zip");
  private static final Pattern RANDOM_SUFFIX = Pattern.compile("[-_.]?\\d{6,}$");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{16,}");
  private static final int MAX_PARENTS = 5;

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
   * An ONNX model's derived name (the registry applies the operator's names over it, see {@link
   * ModelRegistry}), first of:
   *
   * <ol>
   *   <li>what the library that loaded it calls it ({@code library}: a class-path resource name or
   *       a resource location, from {@link io.headwatch.agent.instrumentation.ModelLoading}), by
   *       {@link #fromLocation};
   *   <li>the model file's path, by {@link #fromLocation};
   *   <li>the graph's name when it is not an exporter default;
   *   <li>{@code onnx-} and a CRC32C of the model bytes (stable for the same model, different for a
   *       different one).
   * </ol>
   */
  public static String onnxModel(String library, String path, String graphName, byte[] bytes) {
    String fromLibrary = fromLocation(library);
    if (fromLibrary != null) {
      return fromLibrary;
    }
    String fromPath = fromLocation(path);
    if (fromPath != null) {
      return fromPath;
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

  /**
   * A DJL model's derived name: the name DJL gives it ({@code Criteria.optModelName}, else the
   * model folder's name) without a temporary folder's random suffix; else the stable part of its
   * path; else {@code djl-model}.
   */
  public static String djlModel(String djlName, String modelPath) {
    String name = djlName == null ? "" : stripRandomSuffix(djlName.strip());
    if (!name.isEmpty() && !GENERIC_SEGMENTS.contains(name.toLowerCase(Locale.ROOT))) {
      return sanitize(name, "djl-model");
    }
    String fromPath = fromLocation(modelPath);
    return fromPath != null ? fromPath : "djl-model";
  }

  /**
   * The part of a model's location (file path, class-path resource, URI) a person recognises and
   * that stays the same across restarts, or null when there is none:
   *
   * <ul>
   *   <li>the file's name without a model extension ({@code bge-small-en-v1.5.onnx} → {@code
   *       bge-small-en-v1.5});
   *   <li>for the generic names of exported files ({@code model.onnx}, {@code
   *       model_quantized.onnx}, as Hugging Face and Optimum write them) the nearest folder with a
   *       meaningful name, with the variant kept ({@code
   *       all-MiniLM-L6-v2/onnx/model_quantized.onnx} → {@code all-MiniLM-L6-v2-quantized});
   *   <li>without the random digits of a temporary file or folder ({@code djl-minilm1743749364858}
   *       → {@code djl-minilm}).
   * </ul>
   */
  public static String fromLocation(String location) {
    if (location == null || location.isBlank()) {
      return null;
    }
    String text = location.strip();
    int query = indexOfAny(text, '?', '#');
    if (query >= 0 && text.contains("://")) {
      text = text.substring(0, query);
    }
    String[] segments = text.split("[/\\\\!]+");
    int last = segments.length - 1;
    while (last >= 0 && segments[last].isEmpty()) {
      last--;
    }
    if (last < 0) {
      return null;
    }
    String stem = stripRandomSuffix(withoutModelExtension(segments[last]));
    String lower = stem.toLowerCase(Locale.ROOT);
    String variant = null;
    if (lower.equals("model") || lower.startsWith("model_") || lower.startsWith("model-")) {
      variant = stem.length() > 6 ? stem.substring(6) : "";
    } else if (!stem.isEmpty() && !GENERIC_SEGMENTS.contains(lower)) {
      return sanitize(stem, "model");
    }
    // A generic file name: the nearest meaningful folder names the model.
    for (int i = last - 1, looked = 0; i >= 0 && looked < MAX_PARENTS; i--, looked++) {
      String folder = stripRandomSuffix(segments[i]);
      int hub = folder.lastIndexOf("--");
      if (folder.startsWith("models--") && hub + 2 < folder.length()) {
        folder = folder.substring(hub + 2); // Hugging Face cache: models--owner--name
      }
      String folderLower = folder.toLowerCase(Locale.ROOT);
      if (folder.isEmpty()
          || GENERIC_SEGMENTS.contains(folderLower)
          || HASH.matcher(folderLower).matches()
          || folderLower.endsWith(":")
          || folderLower.startsWith("model_")) {
        continue;
      }
      return sanitize(
          variant == null || variant.isEmpty() ? folder : folder + "-" + variant, "model");
    }
    return stem.isEmpty() ? null : sanitize(stem, "model");
  }

  private static int indexOfAny(String text, char a, char b) {
    int i = text.indexOf(a);
    int j = text.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  private static String withoutModelExtension(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    for (String extension : MODEL_EXTENSIONS) {
      if (lower.endsWith(extension) && lower.length() > extension.length()) {
        return fileName.substring(0, fileName.length() - extension.length());
      }
    }
    return fileName;
  }

  /**
   * Without the random digits {@code Files.createTempFile/createTempDirectory} append (a random
   * unsigned long: 6 digits and more are taken for random), and the separator before them.
   */
  static String stripRandomSuffix(String name) {
    Matcher m = RANDOM_SUFFIX.matcher(name);
    return m.find() ? name.substring(0, m.start()) : name;
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
