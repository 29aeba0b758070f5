package io.headwatch.collector.comparison;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ranks every feature of a model (a statistic of one head, or of one layer's hidden state) by how
 * well it separates the predictions labelled wrong from those labelled right: {@link
 * StratifiedRankTest} per feature within input-length strata, then Benjamini–Hochberg over all the
 * features tested. One observation per prediction. See docs/feedback.md for the method and its
 * assumptions.
 */
public final class FeedbackComparison {
  /** Labelled predictions each group needs before anything is compared. */
  public static final int MIN_PER_GROUP = 20;

  /**
   * Values per group a feature needs, in strata holding both groups, to be tested: fewer means it
   * is mostly NaN, or the groups hardly share input lengths.
   */
  public static final int MIN_COMPARED = 10;

  /** The false-discovery rate at which an entry is called significant. */
  public static final double ALPHA = 0.05;

  private FeedbackComparison() {}

  /**
   * A feature: {@code site} {@code attention} (an attention statistic of a head), {@code
   * head_output} (a head's output norm) or {@code hidden_state} (a statistic of a layer's output,
   * {@code head} null).
   */
  public record Feature(String site, int layer, Integer head, String statistic) {}

  /**
   * One labelled prediction.
   *
   * @param tokens its input token count (NaN when unknown)
   * @param values one value per feature, in the features' order (NaN where unknown)
   */
  public record Observation(long predictionId, boolean wrong, double tokens, double[] values) {}

  /** How many of each group a length stratum holds. */
  public record StratumCount(int stratum, int fromTokens, int toTokens, int wrong, int right) {}

  /**
   * One tested feature.
   *
   * @param q its Benjamini–Hochberg adjusted p-value
   * @param significant q at or below {@link #ALPHA}
   * @param wrongValues its values in the wrong predictions compared (for the evidence)
   * @param rightValues its values in the right predictions compared
   */
  public record Entry(
      Feature feature,
      StratifiedRankTest.Result test,
      double q,
      boolean significant,
      double[] wrongValues,
      double[] rightValues) {}

  /** What a comparison found. */
  public enum Status {
    /** Ranked. */
    OK,
    /** Fewer than {@link #MIN_PER_GROUP} labelled predictions in a group: nothing ranked. */
    TOO_FEW_LABELS
  }

  /**
   * @param entries tested features, most separating first: smallest p, then largest |delta|, then
   *     earliest layer, a layer's heads before its hidden state
   * @param untested features left out: no variation, or fewer than {@link #MIN_COMPARED} values per
   *     group in strata holding both groups
   */
  public record Report(
      Status status,
      int wrong,
      int right,
      List<StratumCount> strata,
      List<Entry> entries,
      int untested) {
    public int significant() {
      return (int) entries.stream().filter(Entry::significant).count();
    }
  }

  public static Report compare(List<Feature> features, List<Observation> observations) {
    return compare(features, observations, MIN_PER_GROUP);
  }

  /**
   * As {@link #compare(List, List)} with another guard: {@code minPerGroup} labelled predictions
   * per group (and at most that many compared values per feature) before anything is ranked. For
   * measuring what the guard costs; the API always uses {@link #MIN_PER_GROUP}.
   */
  public static Report compare(
      List<Feature> features, List<Observation> observations, int minPerGroup) {
    int minCompared = Math.min(MIN_COMPARED, minPerGroup);
    int wrong = 0;
    int right = 0;
    Map<Integer, int[]> strata = new TreeMap<>();
    int[] stratumOf = new int[observations.size()];
    boolean[] isWrong = new boolean[observations.size()];
    for (int i = 0; i < observations.size(); i++) {
      Observation o = observations.get(i);
      isWrong[i] = o.wrong();
      stratumOf[i] = LengthStrata.of(o.tokens());
      int[] counts = strata.computeIfAbsent(stratumOf[i], k -> new int[2]);
      counts[o.wrong() ? 0 : 1]++;
      if (o.wrong()) {
        wrong++;
      } else {
        right++;
      }
    }
    List<StratumCount> strataCounts = new ArrayList<>();
    strata.forEach(
        (s, c) ->
            strataCounts.add(
                new StratumCount(s, LengthStrata.from(s), LengthStrata.to(s), c[0], c[1])));
    if (wrong < minPerGroup || right < minPerGroup) {
      return new Report(Status.TOO_FEW_LABELS, wrong, right, strataCounts, List.of(), 0);
    }
    List<StratifiedRankTest.Result> results = new ArrayList<>();
    List<Integer> tested = new ArrayList<>();
    double[] column = new double[observations.size()];
    for (int f = 0; f < features.size(); f++) {
      for (int i = 0; i < observations.size(); i++) {
        double[] v = observations.get(i).values();
        column[i] = f < v.length ? v[f] : Double.NaN;
      }
      StratifiedRankTest.Result r = StratifiedRankTest.compare(column, isWrong, stratumOf);
      if (r.wrongCount() < minCompared || r.rightCount() < minCompared || Double.isNaN(r.p())) {
        continue;
      }
      results.add(r);
      tested.add(f);
    }
    double[] p = results.stream().mapToDouble(StratifiedRankTest.Result::p).toArray();
    double[] q = FalseDiscovery.adjust(p);
    List<Entry> entries = new ArrayList<>();
    for (int k = 0; k < tested.size(); k++) {
      int f = tested.get(k);
      entries.add(
          new Entry(
              features.get(f),
              results.get(k),
              q[k],
              q[k] <= ALPHA,
              values(observations, f, true, stratumOf, strata),
              values(observations, f, false, stratumOf, strata)));
    }
    // Ties (several features separating the groups equally well, e.g. completely) go to the
    // earliest layer, and within a layer to its heads before its output: a change shows first
    // where it begins, and everything after it inherits it.
    entries.sort(
        Comparator.comparingDouble((Entry e) -> e.test().p())
            .thenComparing(Comparator.comparingDouble((Entry e) -> -Math.abs(e.test().delta())))
            .thenComparingInt(e -> e.feature().layer())
            .thenComparingInt(e -> e.feature().head() == null ? 1 : 0)
            .thenComparingInt(e -> e.feature().head() == null ? 0 : e.feature().head()));
    return new Report(
        Status.OK, wrong, right, strataCounts, entries, features.size() - tested.size());
  }

  /** A feature's non-NaN values in one group, from strata holding both groups (those compared). */
  private static double[] values(
      List<Observation> observations,
      int f,
      boolean wrong,
      int[] stratumOf,
      Map<Integer, int[]> strata) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < observations.size(); i++) {
      Observation o = observations.get(i);
      int[] c = strata.get(stratumOf[i]);
      if (o.wrong() == wrong && c[0] > 0 && c[1] > 0) {
        double v = f < o.values().length ? o.values()[f] : Double.NaN;
        if (!Double.isNaN(v)) {
          out.add(v);
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
