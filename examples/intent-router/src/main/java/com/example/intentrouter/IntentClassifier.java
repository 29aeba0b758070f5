package com.example.intentrouter;

import ai.djl.modality.Classifications;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nearest-centroid classifier over sentence embeddings: each intent is the normalised mean of its
 * examples' embeddings; a message's probabilities are the softmax of its cosine similarities to the
 * centroids, times {@link #SCALE} (a temperature of 1/20, so that a clear match gets most of the
 * probability and an unclear one spreads it).
 */
final class IntentClassifier {
  static final double SCALE = 20.0;
  private final List<String> intents;
  private final float[][] centroids;

  private IntentClassifier(List<String> intents, float[][] centroids) {
    this.intents = intents;
    this.centroids = centroids;
  }

  /** Learns the centroids from examples, in the order intents first appear. */
  static IntentClassifier train(List<String> labels, List<float[]> embeddings) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      float[] e = embeddings.get(i);
      double[] sum = sums.computeIfAbsent(labels.get(i), k -> new double[e.length]);
      for (int d = 0; d < e.length; d++) {
        sum[d] += e[d];
      }
    }
    List<String> intents = new ArrayList<>(sums.keySet());
    float[][] centroids = new float[intents.size()][];
    for (int k = 0; k < intents.size(); k++) {
      double[] sum = sums.get(intents.get(k));
      double norm = 0;
      for (double v : sum) {
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      centroids[k] = new float[sum.length];
      for (int d = 0; d < sum.length; d++) {
        centroids[k][d] = (float) (sum[d] / norm);
      }
    }
    return new IntentClassifier(intents, centroids);
  }

  List<String> intents() {
    return intents;
  }

  Classifications classify(float[] embedding) {
    double[] logits = new double[centroids.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < centroids.length; k++) {
      double dot = 0;
      for (int d = 0; d < embedding.length; d++) {
        dot += embedding[d] * centroids[k][d];
      }
      logits[k] = SCALE * dot;
      max = Math.max(max, logits[k]);
    }
    double sum = 0;
    for (int k = 0; k < logits.length; k++) {
      logits[k] = Math.exp(logits[k] - max);
      sum += logits[k];
    }
    List<Double> probabilities = new ArrayList<>(logits.length);
    for (double v : logits) {
      probabilities.add(v / sum);
    }
    return new Classifications(intents, probabilities);
  }
}
