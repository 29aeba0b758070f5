package io.headwatch.collector.api;

import io.headwatch.collector.comparison.FeedbackComparison.Feature;
import io.headwatch.collector.comparison.FeedbackComparison.Observation;
import io.headwatch.collector.model.AttentionStatistic;
import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.store.LabelledSnapshot;
import io.headwatch.collector.store.StoredStatistics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the stored snapshots of labelled predictions into the comparison's features and one
 * observation per prediction: each feature's mean over the prediction's snapshots (the sequences of
 * a batch share its label), NaN values left out. Snapshots of another shape than the most common
 * one (a model renamed onto another) are left out.
 */
final class ComparisonInputs {
  private ComparisonInputs() {}

  record Inputs(List<Feature> features, List<Observation> observations) {}

  static Inputs of(List<LabelledSnapshot> snapshots) {
    Map<String, Integer> shapes = new HashMap<>();
    for (LabelledSnapshot s : snapshots) {
      shapes.merge(shape(s.statistics()), 1, Integer::sum);
    }
    String shape =
        shapes.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElse("");
    Set<String> attention = new LinkedHashSet<>();
    Set<String> activation = new LinkedHashSet<>();
    int layers = 0;
    int heads = 0;
    for (LabelledSnapshot s : snapshots) {
      StoredStatistics st = s.statistics();
      if (shape(st).equals(shape)) {
        layers = st.layers();
        heads = st.heads();
        attention.addAll(st.attention().keySet());
        activation.addAll(st.activation().keySet());
      }
    }
    List<Feature> features = new ArrayList<>();
    // Attention statistics in the model's own order, then the others as they came.
    List<String> attentionOrder = new ArrayList<>();
    for (AttentionStatistic a : AttentionStatistic.ALL) {
      if (attention.contains(a.shortName())) {
        attentionOrder.add(a.shortName());
      }
    }
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        for (String stat : attentionOrder) {
          String site =
              stat.equals(AttentionStatistic.OUTPUT_NORM.shortName()) ? "head_output" : "attention";
          features.add(new Feature(site, l, h, stat));
        }
      }
      for (String stat : activation) {
        features.add(new Feature("hidden_state", l, null, stat));
      }
    }
    Map<Long, double[]> sums = new LinkedHashMap<>();
    Map<Long, int[]> counts = new HashMap<>();
    Map<Long, double[]> tokens = new HashMap<>();
    Map<Long, Feedback.Label> labels = new HashMap<>();
    for (LabelledSnapshot s : snapshots) {
      StoredStatistics st = s.statistics();
      if (!shape(st).equals(shape) || s.label() == null) {
        continue;
      }
      double[] sum = sums.computeIfAbsent(s.predictionId(), k -> new double[features.size()]);
      int[] count = counts.computeIfAbsent(s.predictionId(), k -> new int[features.size()]);
      labels.put(s.predictionId(), s.label());
      double[] t = tokens.computeIfAbsent(s.predictionId(), k -> new double[2]);
      if (st.inputTokens() != null) {
        t[0] += st.inputTokens();
        t[1]++;
      }
      for (int f = 0; f < features.size(); f++) {
        Feature feature = features.get(f);
        double v;
        if (feature.head() != null) {
          double[] a = st.attention().get(feature.statistic());
          int at = feature.layer() * heads + feature.head();
          v = a == null || at >= a.length ? Double.NaN : a[at];
        } else {
          double[] a = st.activation().get(feature.statistic());
          v = a == null || feature.layer() >= a.length ? Double.NaN : a[feature.layer()];
        }
        if (Double.isFinite(v)) {
          sum[f] += v;
          count[f]++;
        }
      }
    }
    List<Observation> observations = new ArrayList<>();
    for (Map.Entry<Long, double[]> e : sums.entrySet()) {
      long id = e.getKey();
      double[] sum = e.getValue();
      int[] count = counts.get(id);
      double[] mean = new double[sum.length];
      for (int f = 0; f < sum.length; f++) {
        mean[f] = count[f] == 0 ? Double.NaN : sum[f] / count[f];
      }
      double[] t = tokens.get(id);
      observations.add(
          new Observation(
              id,
              labels.get(id) == Feedback.Label.WRONG,
              t[1] == 0 ? Double.NaN : t[0] / t[1],
              mean));
    }
    return new Inputs(features, observations);
  }

  private static String shape(StoredStatistics s) {
    return s.layers() + "x" + s.heads();
  }
}
