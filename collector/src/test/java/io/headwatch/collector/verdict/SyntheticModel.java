package io.headwatch.collector.verdict;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Clean predictions of a made-up model whose statistics behave like a real transformer's: each
 * depends on the sequence length (log-linear), on a per-prediction "content" factor shared by all
 * heads, and on its own noise; a quarter of the features have heavy-tailed (Student t, 3 degrees of
 * freedom) noise, like the punctuation-driven attention statistics of real text.
 */
final class SyntheticModel {
  final int layers;
  final int heads;
  private final double[][] base; // [feature group][cell]
  private final double[][] slope;
  private final double[][] load;
  private final boolean[][] heavy;
  private final SplittableRandom random;

  SyntheticModel(int layers, int heads, long seed) {
    this.layers = layers;
    this.heads = heads;
    this.random = new SplittableRandom(seed);
    int groups = FeatureLayout.ATTENTION_STATISTICS.size() + 1 + 6;
    base = new double[groups][];
    slope = new double[groups][];
    load = new double[groups][];
    heavy = new boolean[groups][];
    for (int g = 0; g < groups; g++) {
      int cells = g <= FeatureLayout.ATTENTION_STATISTICS.size() ? layers * heads : layers;
      base[g] = new double[cells];
      slope[g] = new double[cells];
      load[g] = new double[cells];
      heavy[g] = new boolean[cells];
      for (int c = 0; c < cells; c++) {
        base[g][c] = 1 + random.nextDouble() * 4;
        slope[g][c] = (random.nextDouble() - 0.5) * 2;
        load[g][c] = random.nextDouble() * 0.5;
        heavy[g][c] = random.nextInt(4) == 0;
      }
    }
  }

  /** A clean prediction of {@code tokens} tokens. */
  PredictionStatistics clean(int tokens) {
    double content = random.nextGaussian();
    double logN = Math.log(tokens);
    Map<String, double[]> attention = new HashMap<>();
    int g = 0;
    for (String name : FeatureLayout.ATTENTION_STATISTICS) {
      attention.put(name, values(g++, logN, content));
    }
    double[] outputNorm = values(g++, logN, content);
    Map<String, double[]> activation = new HashMap<>();
    for (String name : FeatureLayout.HIDDEN_STATE_STATISTICS) {
      activation.put(name, values(g++, logN, content));
    }
    activation.put(FeatureLayout.NONFINITE, new double[layers]);
    return new PredictionStatistics(
        layers, heads, tokens, false, 0, attention, outputNorm, activation);
  }

  /** A clean prediction with a length drawn like short English sentences (8 to 40 tokens). */
  PredictionStatistics clean() {
    return clean(8 + (int) Math.floor(Math.exp(random.nextDouble() * Math.log(33))) - 1);
  }

  private double[] values(int g, double logN, double content) {
    double[] v = new double[base[g].length];
    for (int c = 0; c < v.length; c++) {
      double noise = heavy[g][c] ? studentT3() : random.nextGaussian();
      v[c] = base[g][c] + slope[g][c] * logN + load[g][c] * content + 0.1 * noise;
    }
    return v;
  }

  private double studentT3() {
    double z = random.nextGaussian();
    double chi = 0;
    for (int i = 0; i < 3; i++) {
      double x = random.nextGaussian();
      chi += x * x;
    }
    return z / Math.sqrt(chi / 3);
  }

  /** Copy of a prediction with one attention statistic of one head replaced. */
  static PredictionStatistics withAttention(
      PredictionStatistics p, String stat, int layer, int head, double value) {
    Map<String, double[]> attention = new HashMap<>(p.attention());
    double[] v = attention.get(stat).clone();
    v[layer * p.heads() + head] = value;
    attention.put(stat, v);
    return new PredictionStatistics(
        p.layers(),
        p.heads(),
        p.tokens(),
        p.truncated(),
        p.unknownTokens(),
        attention,
        p.headOutputNorm(),
        p.activation());
  }

  /** Copy of a prediction with every attention statistic of one head set to NaN. */
  static PredictionStatistics withNaNHead(PredictionStatistics p, int layer, int head) {
    Map<String, double[]> attention = new HashMap<>();
    for (Map.Entry<String, double[]> e : p.attention().entrySet()) {
      double[] v = e.getValue().clone();
      v[layer * p.heads() + head] = Double.NaN;
      attention.put(e.getKey(), v);
    }
    return new PredictionStatistics(
        p.layers(),
        p.heads(),
        p.tokens(),
        p.truncated(),
        p.unknownTokens(),
        attention,
        p.headOutputNorm(),
        p.activation());
  }

  /** Copy with the hidden state's non-finite count set for layers from {@code from} on. */
  static PredictionStatistics withNonFiniteFrom(PredictionStatistics p, int from, double count) {
    Map<String, double[]> activation = new HashMap<>(p.activation());
    double[] nf = new double[p.layers()];
    for (int l = from; l < p.layers(); l++) {
      nf[l] = count;
    }
    activation.put(FeatureLayout.NONFINITE, nf);
    return new PredictionStatistics(
        p.layers(),
        p.heads(),
        p.tokens(),
        p.truncated(),
        p.unknownTokens(),
        p.attention(),
        p.headOutputNorm(),
        activation);
  }

  /** Copy with one head's output norm multiplied. */
  static PredictionStatistics withOutputNormTimes(
      PredictionStatistics p, int layer, int head, double factor) {
    double[] norm = p.headOutputNorm().clone();
    norm[layer * p.heads() + head] *= factor;
    return new PredictionStatistics(
        p.layers(),
        p.heads(),
        p.tokens(),
        p.truncated(),
        p.unknownTokens(),
        p.attention(),
        norm,
        p.activation());
  }

  /** Copy with other input facts. */
  static PredictionStatistics withInput(
      PredictionStatistics p, Boolean truncated, int unknownTokens) {
    return new PredictionStatistics(
        p.layers(),
        p.heads(),
        p.tokens(),
        truncated,
        unknownTokens,
        p.attention(),
        p.headOutputNorm(),
        p.activation());
  }
}
