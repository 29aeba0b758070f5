package io.headwatch.bench.faults;

import io.headwatch.agent.stats.AttentionStatistics;
import io.headwatch.collector.comparison.FeedbackComparison;
import io.headwatch.collector.comparison.FeedbackComparison.Feature;
import io.headwatch.collector.comparison.FeedbackComparison.Observation;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How many labels the wrong/right comparison needs (issue 15): for faults written into copies of
 * all-MiniLM-L6-v2, predictions of the faulted copy are "wrong" and of the real model "right"; for
 * n labelled predictions per group (distinct sentences, drawn at random, repeated), how often the
 * collector's comparison ({@link FeedbackComparison}, the same library, in-process, on the features
 * the agent would send) ranks the faulted head first with a significant q-value; and, with both
 * groups from the real model (labels that mean nothing), how often any entry is significant.
 */
public final class FeedbackEvaluation {
  private static final List<Fault> FAULTS =
      List.of(
          Fault.queryScale(1, 7, 4f),
          Fault.valueScale(3, 7, 4f),
          Fault.queryScale(4, 10, 0f),
          Fault.valueScale(5, 4, 3f),
          Fault.queryScale(4, 10, 0.5f),
          Fault.valueScale(5, 4, 1.5f));

  /** Labelled predictions per group; below 20 the API answers too_few_labels (the guard). */
  private static final int[] PER_GROUP = {5, 10, 15, 20, 30, 50, 100};

  /** The guard the measurement uses, so that what fewer labels would give can be seen. */
  private static final int GUARD = 5;

  private FeedbackEvaluation() {}

  public static void main(String[] args) throws Exception {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    byte[] base;
    try (InputStream in =
        FeedbackEvaluation.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      base = in.readAllBytes();
    }
    WordPieceTokenizer tokenizer = WordPieceTokenizer.miniLm();
    List<String> pool = new ArrayList<>(EvaluationInputs.sentences("verdicts/heldout.txt"));
    pool.addAll(EvaluationInputs.sentences("verdicts/baseline.txt").subList(0, 95));
    OnnxModelEditor clean = OnnxModelEditor.of(base);
    TransformerLayout layout = TransformerLayout.of(clean);
    List<PredictionFeatures> cleanFeatures = run(clean, layout, tokenizer, pool);
    int layers = cleanFeatures.get(0).layers();
    int heads = cleanFeatures.get(0).heads();
    List<Feature> features = features(layers, heads);
    System.out.printf(
        Locale.ROOT,
        "Feedback comparison: %d sentences, %d features, %d repeats per cell (null: 5x), alpha %s"
            + " (BH), guard lowered to %d per group%n%n",
        pool.size(),
        features.size(),
        repeats,
        FeedbackComparison.ALPHA,
        GUARD);
    System.out.println(
        "| wrong predictions from | per group | faulted head ranked first and significant |"
            + " any entry significant |");
    System.out.println("|---|---|---|---|");
    for (int n : PER_GROUP) {
      if (2 * n > pool.size()) {
        continue;
      }
      int any = 0;
      Random random = new Random(1000 + n);
      // Five times the repeats: the false-alarm rate is a small share.
      for (int r = 0; r < 5 * repeats; r++) {
        List<Integer> order = shuffled(pool.size(), random);
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
          obs.add(observation(i, i < n, cleanFeatures.get(order.get(i)), features));
        }
        any += FeedbackComparison.compare(features, obs, GUARD).significant() > 0 ? 1 : 0;
      }
      System.out.printf(
          Locale.ROOT,
          "| the real model (labels mean nothing) | %d | - | %s |%n",
          n,
          share(any, 5 * repeats));
    }
    for (Fault fault : FAULTS) {
      OnnxModelEditor edited = OnnxModelEditor.of(base);
      fault.apply(edited, layout, heads);
      List<PredictionFeatures> faulted = run(edited, layout, tokenizer, pool);
      for (int n : PER_GROUP) {
        if (2 * n > pool.size()) {
          continue;
        }
        int first = 0;
        int any = 0;
        Random random = new Random(2000 + n);
        for (int r = 0; r < repeats; r++) {
          List<Integer> order = shuffled(pool.size(), random);
          List<Observation> obs = new ArrayList<>();
          for (int i = 0; i < 2 * n; i++) {
            boolean wrong = i < n;
            PredictionFeatures f = (wrong ? faulted : cleanFeatures).get(order.get(i));
            obs.add(observation(i, wrong, f, features));
          }
          FeedbackComparison.Report report = FeedbackComparison.compare(features, obs, GUARD);
          any += report.significant() > 0 ? 1 : 0;
          if (!report.entries().isEmpty()) {
            FeedbackComparison.Entry top = report.entries().get(0);
            Integer head = top.feature().head();
            if (top.significant()
                && top.feature().layer() == fault.layer()
                && head != null
                && head == fault.head()) {
              first++;
            }
          }
        }
        System.out.printf(
            Locale.ROOT,
            "| %s | %d | %s | %s |%n",
            fault.label(),
            n,
            share(first, repeats),
            share(any, repeats));
      }
    }
  }

  private static String share(int k, int n) {
    return String.format(Locale.ROOT, "%.0f %% (%d/%d)", 100.0 * k / n, k, n);
  }

  private static List<Integer> shuffled(int size, Random random) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    return order;
  }

  private static List<PredictionFeatures> run(
      OnnxModelEditor model,
      TransformerLayout layout,
      WordPieceTokenizer tokenizer,
      List<String> sentences)
      throws Exception {
    List<PredictionFeatures> out = new ArrayList<>();
    try (ModelProbe probe = new ModelProbe(model, layout)) {
      for (String s : sentences) {
        out.add(probe.run(tokenizer.encode(s)));
      }
    }
    return out;
  }

  /** The collector's feature layout (api.ComparisonInputs): per head its statistics, then layer. */
  private static List<Feature> features(int layers, int heads) {
    List<Feature> out = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        for (int s = 0; s < AttentionStatistics.COUNT; s++) {
          out.add(new Feature("attention", l, h, AttentionStatistics.name(s)));
        }
        out.add(new Feature("head_output", l, h, "output_norm"));
      }
      for (String stat : PredictionFeatures.ACTIVATION_NAMES) {
        out.add(new Feature("hidden_state", l, null, stat));
      }
    }
    return out;
  }

  private static Observation observation(
      long id, boolean wrong, PredictionFeatures f, List<Feature> features) {
    double[] v = new double[features.size()];
    int heads = f.heads();
    for (int i = 0; i < v.length; i++) {
      Feature feature = features.get(i);
      if (feature.head() == null) {
        int s = List.of(PredictionFeatures.ACTIVATION_NAMES).indexOf(feature.statistic());
        v[i] = f.activation()[s][feature.layer()];
      } else if (feature.site().equals("head_output")) {
        v[i] = f.headOutputNorm()[feature.layer() * heads + feature.head()];
      } else {
        int s = statIndex(feature.statistic());
        v[i] = f.attention()[s][feature.layer() * heads + feature.head()];
      }
      if (!Double.isFinite(v[i])) {
        v[i] = Double.NaN;
      }
    }
    return new Observation(id, wrong, f.tokens(), v);
  }

  private static int statIndex(String name) {
    for (int s = 0; s < AttentionStatistics.COUNT; s++) {
      if (AttentionStatistics.name(s).equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(name);
  }
}
