package com.example.onnxembedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Embeds texts with a BERT-like ONNX model and its tokenizer from local files (langchain4j's {@code
 * OnnxEmbeddingModel}, mean pooling), then prints, per text, the embedding's size and a digest of
 * its bits, and the most similar other text.
 *
 * <pre>
 * java -jar onnx-embedding.jar MODEL.onnx TOKENIZER.json TEXT...
 * </pre>
 */
public final class OnnxEmbeddingApp {
  private OnnxEmbeddingApp() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: onnx-embedding MODEL.onnx TOKENIZER.json TEXT...");
      System.exit(2);
    }
    Path model = Path.of(args[0]);
    Path tokenizer = Path.of(args[1]);
    for (Path file : List.of(model, tokenizer)) {
      if (!Files.isRegularFile(file)) {
        System.err.println("no such file: " + file);
        System.exit(2);
      }
    }
    List<TextSegment> texts = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      texts.add(TextSegment.from(args[i]));
    }
    OnnxEmbeddingModel embeddings = new OnnxEmbeddingModel(model, tokenizer, PoolingMode.MEAN);
    List<Embedding> vectors = embeddings.embedAll(texts).content();
    for (int i = 0; i < vectors.size(); i++) {
      float[] v = vectors.get(i).vector();
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < vectors.size(); j++) {
        double score = j == i ? Double.NEGATIVE_INFINITY : cosine(v, vectors.get(j).vector());
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
