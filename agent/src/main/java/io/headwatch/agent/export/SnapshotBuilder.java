package io.headwatch.agent.export;

import io.headwatch.agent.stats.ActivationSummary;
import io.headwatch.agent.stats.AttentionStatistics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects one sequence's statistics into a snapshot log record ({@code headwatch.snapshot}):
 * per-head attention statistics as arrays of {@code layers x heads} values, row-major by layer, and
 * per-layer activation statistics as arrays of {@code layers} values. Missing values are NaN.
 */
public final class SnapshotBuilder {
  private static final AttributeKey<List<Double>>[] ATTENTION_KEYS = attentionKeys();
  private static final AttributeKey<List<Double>> ACT_MEAN =
      AttributeKey.doubleArrayKey("headwatch.activation.mean");
  private static final AttributeKey<List<Double>> ACT_STD =
      AttributeKey.doubleArrayKey("headwatch.activation.std");
  private static final AttributeKey<List<Double>> ACT_ABS_MAX =
      AttributeKey.doubleArrayKey("headwatch.activation.abs_max");
  private static final AttributeKey<List<Double>> ACT_ZERO_FRACTION =
      AttributeKey.doubleArrayKey("headwatch.activation.zero_fraction");
  private static final AttributeKey<List<Double>> ACT_OUTLIER_FRACTION =
      AttributeKey.doubleArrayKey("headwatch.activation.outlier_fraction");
  private static final AttributeKey<List<Double>> ACT_MASSIVE =
      AttributeKey.doubleArrayKey("headwatch.activation.massive");
  private static final AttributeKey<List<Double>> ACT_NONFINITE =
      AttributeKey.doubleArrayKey("headwatch.activation.nonfinite");

  private final int batchIndex;
  private final int layers;
  private int heads = -1;
  private double[][] attention; // [stat][layer * heads + head]
  private final double[] mean;
  private final double[] std;
  private final double[] absMax;
  private final double[] nonFinite;
  private final double[] zeroFraction;
  private final double[] outlierFraction;
  private final double[] massive;
  private List<String> tokens;
  private io.opentelemetry.api.common.Attributes extra;

  public SnapshotBuilder(int batchIndex, int layers) {
    this.batchIndex = batchIndex;
    this.layers = layers;
    this.mean = nanArray(layers);
    this.std = nanArray(layers);
    this.absMax = nanArray(layers);
    this.nonFinite = nanArray(layers);
    this.zeroFraction = nanArray(layers);
    this.outlierFraction = nanArray(layers);
    this.massive = nanArray(layers);
  }

  @SuppressWarnings("unchecked")
  private static AttributeKey<List<Double>>[] attentionKeys() {
    AttributeKey<List<Double>>[] keys = new AttributeKey[AttentionStatistics.COUNT];
    for (int s = 0; s < keys.length; s++) {
      keys[s] = AttributeKey.doubleArrayKey("headwatch.attention." + AttentionStatistics.name(s));
    }
    return keys;
  }

  private static double[] nanArray(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  /** Adds one layer's per-head statistics ({@code heads * AttentionStatistics.COUNT} values). */
  public void attention(int layer, int layerHeads, double[] stats) {
    if (heads < 0) {
      heads = layerHeads;
      attention = new double[AttentionStatistics.COUNT][];
      for (int s = 0; s < attention.length; s++) {
        attention[s] = nanArray(layers * heads);
      }
    }
    if (layerHeads != heads || layer >= layers) {
      return; // layers with different head counts are in the metrics, not in the snapshot
    }
    for (int h = 0; h < heads; h++) {
      for (int s = 0; s < AttentionStatistics.COUNT; s++) {
        attention[s][layer * heads + h] = stats[h * AttentionStatistics.COUNT + s];
      }
    }
  }

  /** Token texts of this sequence (only when the operator turned token capture on). */
  public void tokens(List<String> tokenTexts) {
    this.tokens = tokenTexts;
  }

  /** Further attributes of this sequence (classifier output, tokenizer facts). */
  public void extra(io.opentelemetry.api.common.Attributes attributes) {
    this.extra = attributes;
  }

  public void activation(int layer, ActivationSummary summary) {
    if (layer >= layers) {
      return;
    }
    mean[layer] = summary.mean();
    std[layer] = summary.std();
    absMax[layer] = summary.absMax();
    nonFinite[layer] = summary.nonFiniteCount();
    zeroFraction[layer] = summary.zeroFraction();
    outlierFraction[layer] = summary.outlierFraction();
    massive[layer] = summary.massiveCount();
  }

  /** Sets the attributes on {@code record} and emits it. */
  public void emit(LogRecordBuilder record, int inputTokens) {
    record
        .setAttribute(TelemetryNames.BATCH_INDEX, (long) batchIndex)
        .setAttribute(TelemetryNames.LAYERS, (long) layers)
        .setAttribute(TelemetryNames.HEADS, (long) Math.max(heads, 0))
        .setAttribute(TelemetryNames.ACTIVATION_SITE, TelemetryNames.SITE_HIDDEN_STATE);
    if (inputTokens >= 0) {
      record.setAttribute(TelemetryNames.INPUT_TOKENS, (long) inputTokens);
    }
    if (attention != null) {
      for (int s = 0; s < attention.length; s++) {
        record.setAttribute(ATTENTION_KEYS[s], boxed(attention[s]));
      }
    }
    if (tokens != null) {
      record.setAttribute(TelemetryNames.TOKENS, tokens);
    }
    if (extra != null) {
      record.setAllAttributes(extra);
    }
    record.setAttribute(ACT_MEAN, boxed(mean));
    record.setAttribute(ACT_STD, boxed(std));
    record.setAttribute(ACT_ABS_MAX, boxed(absMax));
    record.setAttribute(ACT_NONFINITE, boxed(nonFinite));
    record.setAttribute(ACT_ZERO_FRACTION, boxed(zeroFraction));
    record.setAttribute(ACT_OUTLIER_FRACTION, boxed(outlierFraction));
    record.setAttribute(ACT_MASSIVE, boxed(massive));
    record.emit();
  }

  private static List<Double> boxed(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return list;
  }
}
