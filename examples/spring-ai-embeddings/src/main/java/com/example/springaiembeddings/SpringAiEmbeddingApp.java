package com.example.springaiembeddings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.springframework.ai.transformers.TransformersEmbeddingModel;

/**
 * Embeds texts with Spring AI's local {@code TransformersEmbeddingModel}, without Spring Boot: the
 * model and tokenizer come from a local folder ({@code model.onnx}, {@code tokenizer.json}, as
 * Hugging Face lays them out), so nothing is downloaded. Prints, per text, the embedding's size and
 * a digest of its bits, and the most similar other text.
 *
 * <pre>
 * java -Dai.djl.offline=true -jar spring-ai-embeddings.jar MODEL_FOLDER TEXT...
 * </pre>
 */
public final class SpringAiEmbeddingApp {
  private SpringAiEmbeddingApp() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: spring-ai-embeddings MODEL_FOLDER TEXT...");
      System.exit(2);
    }
    Path folder = Path.of(args[0]).toAbsolutePath();
    Path model = folder.resolve("model.onnx");
    Path tokenizer = folder.resolve("tokenizer.json");
    for (Path file : List.of(model, tokenizer)) {
      if (!Files.isRegularFile(file)) {
        System.err.println("no such file: " + file);
        System.exit(2);
      }
    }
    List<String> texts = new ArrayList<>(List.of(args).subList(1, args.length));

    TransformersEmbeddingModel embeddings = new TransformersEmbeddingModel();
    embeddings.setModelResource(model.toUri().toString());
    embeddings.setTokenizerResource(tokenizer.toUri().toString());
    embeddings.setDisableCaching(true); // local files: nothing to cache
    embeddings.afterPropertiesSet(); // what Spring would call; no application context here

    List<float[]> vectors = embeddings.embed(texts);
    for (int i = 0; i < vectors.size(); i++) {
      float[] v = vectors.get(i);
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < vectors.size(); j++) {
        double score = j == i ? Double.NEGATIVE_INFINITY : cosine(v, vectors.get(j));
        if (score > bestScore) {
          best = j;
          bestScore = score;
        }
      }
      System.out.printf(
          "text %d: %d dims, sha256 %s%s%n",
          i,
          v.length,
          digest(v),
          best < 0 ? "" : String.format(", closest: text %d (cosine %.6f)", best, bestScore));
    }
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  static String digest(float[] values) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (float value : values) {
      int bits = Float.floatToRawIntBits(value);
      sha.update(
          new byte[] {
            (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits
          });
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
