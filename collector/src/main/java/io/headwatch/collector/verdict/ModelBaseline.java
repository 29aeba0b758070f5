package io.headwatch.collector.verdict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model's baseline and the verdicts against it. The baseline is a ring of the model's recent
 * clean predictions (features, input facts, and the score each had when it arrived). Not
 * thread-safe: {@link VerdictEngine} serialises calls per model.
 *
 * <p>A verdict, step by step (docs/verdicts.md has the reasons):
 *
 * <ol>
 *   <li>Non-finite values are evidence on their own: a NaN or infinite attention statistic or head
 *       output where clean traffic has finite ones, or a non-finite count above 0 in a hidden
 *       state. They make the prediction anomalous, with the earliest layer first among the
 *       suspects, whatever the baseline says.
 *   <li>The reference: the {@code neighbours} baseline predictions nearest in token count. When
 *       their median length ratio exceeds {@code lengthRatio} the model is not compared: the input
 *       is reported instead.
 *   <li>Each feature's deviation and surprise against the reference ({@link ReferenceStatistics});
 *       the raw score is the largest surprise.
 *   <li>The raw score becomes a tail probability against the raw scores the baseline predictions
 *       had when they arrived ({@link TailCalibration}).
 *   <li>Input facts against the baseline's, and the first layer's breadth of deviation.
 *   <li>Kind: non-finite evidence blames the model; otherwise an unusual input blames the input;
 *       otherwise a tail probability at or below the threshold blames the model.
 * </ol>
 */
final class ModelBaseline {
  /** Surprise at which a first-layer head counts as deviating for the breadth rule (p ≈ 0.01). */
  static final double BREADTH_SURPRISE = 2.0;

  /** Share of first-layer heads deviating at which the input, not the model, is blamed. */
  static final double BREADTH_SHARE = 0.5;

  /** Length bins: exact up to this many tokens, then geometric. */
  private static final int EXACT_BINS = 16;

  private static final double BIN_RATIO = 1.1;

  /** Reference caches kept per model (by length bin, least recently used dropped). */
  static final int CACHE_BINS = 8;

  private final FeatureLayout layout;
  private final VerdictSettings settings;
  private final int capacity;
  private final int refreshEvery;
  private final int minScores;

  private final float[][] rows;
  private final int[] tokens;
  private final byte[] truncated;
  private final float[] unknownShare;
  private final float[] scores;
  private int size;
  private int next;
  private long admissions;
  private long blamedSinceAdmit;

  private final Map<Integer, ReferenceStatistics> references =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, ReferenceStatistics> eldest) {
          return size() > CACHE_BINS;
        }
      };

  private WindowSummary summary;

  /**
   * Sorted views of the window used to calibrate; rebuilt every {@code refreshEvery} admissions.
   */
  private record WindowSummary(
      long version,
      double[] sortedScores,
      double medianLogLength,
      double[] sortedLogLengthDeviations,
      int truncatedKnown,
      int truncatedCount,
      double[] sortedUnknownShares,
      int lengthKnown,
      int medianLength) {}

  ModelBaseline(FeatureLayout layout, VerdictSettings settings, int capacity) {
    this.layout = layout;
    this.settings = settings;
    this.capacity = capacity;
    this.refreshEvery = Math.max(1, Math.min(50, settings.window() / 40));
    this.minScores = Math.max(50, settings.minBaseline() / 4);
    int ringSize = capacity < settings.minBaseline() ? 0 : capacity;
    this.rows = new float[ringSize][];
    this.tokens = new int[ringSize];
    this.truncated = new byte[ringSize];
    this.unknownShare = new float[ringSize];
    this.scores = new float[ringSize];
  }

  /**
   * Rows that fit a byte budget for a model of this shape, after the reference caches and
   * calibration arrays.
   */
  static long rowsFor(int layers, int heads, VerdictSettings settings) {
    long features = FeatureLayout.featureCount(layers, heads);
    long fixed =
        CACHE_BINS
            * ReferenceStatistics.bytes(
                (int) Math.min(features, Integer.MAX_VALUE), settings.neighbours());
    long perRow = rowBytes(features);
    long room = settings.maxBytesPerModel() - fixed;
    return room <= 0 ? 0 : Math.min(settings.window(), room / perRow);
  }

  /** Bytes one baseline row costs: features, input facts, score, and calibration copies. */
  static long rowBytes(long features) {
    return 4 * features + 16 + 4 * 8 + 32;
  }

  /** Bytes this baseline may grow to. */
  long reservedBytes() {
    long features = layout.size();
    return capacity * rowBytes(features)
        + CACHE_BINS * ReferenceStatistics.bytes(layout.size(), settings.neighbours());
  }

  FeatureLayout layout() {
    return layout;
  }

  int size() {
    return size;
  }

  int capacity() {
    return capacity;
  }

  /** Judges a prediction and, when {@code admit} and it is clean, adds it to the baseline. */
  Verdict judge(PredictionStatistics p, boolean admit) {
    float[] row = features(p);
    List<Suspect> nonFinite = nonFiniteEvidence(p, row);
    Status status =
        capacity < settings.minBaseline()
            ? Status.TOO_LARGE
            : (size < settings.minBaseline() || scoredRows() < minScores)
                ? Status.WARMING_UP
                : Status.SCORED;
    if (status != Status.SCORED) {
      boolean bad = !nonFinite.isEmpty();
      if (admit && !bad && status == Status.WARMING_UP) {
        add(row, p, scoreForWarmUp(p, row));
      }
      return new Verdict(
          status,
          bad,
          bad ? Kind.MODEL : Kind.NONE,
          bad ? 0.0 : Double.NaN,
          bad ? Verdict.MAX_SCORE : Double.NaN,
          settings.threshold(),
          size,
          limit(nonFinite),
          null);
    }

    WindowSummary w = summary();
    int length = p.tokens() > 0 ? p.tokens() : w.medianLength();
    ReferenceStatistics ref = reference(length);
    boolean comparable = ref.medianLengthRatio() <= settings.lengthRatio();

    double rawScore = Double.NaN;
    List<Suspect> ranked = List.of();
    double breadth = Double.NaN;
    if (comparable) {
      Scored scored = score(row, ref);
      rawScore = nonFinite.isEmpty() ? scored.max : Double.POSITIVE_INFINITY;
      ranked = scored.suspects;
      breadth = scored.firstLayerBreadth;
    } else if (!nonFinite.isEmpty()) {
      rawScore = Double.POSITIVE_INFINITY;
    }
    double tail =
        TailCalibration.tailProbability(w.sortedScores(), w.sortedScores().length, rawScore, 0.05);
    boolean modelUnusual = !Double.isNaN(tail) && tail <= settings.threshold();

    InputVerdict input = inputVerdict(p, w, comparable, breadth, modelUnusual);
    Kind kind;
    if (!nonFinite.isEmpty()) {
      kind = Kind.MODEL;
    } else if (input.unusual()) {
      kind = Kind.INPUT;
    } else if (modelUnusual) {
      kind = Kind.MODEL;
    } else {
      kind = Kind.NONE;
    }
    List<Suspect> suspects = new ArrayList<>(nonFinite);
    suspects.addAll(ranked);

    if (admit && nonFinite.isEmpty()) {
      boolean blamed = kind == Kind.MODEL;
      boolean join =
          !blamed
              || (settings.admitAnomalousEvery() > 0
                  && ++blamedSinceAdmit % settings.admitAnomalousEvery() == 0);
      if (join) {
        // An input-blamed prediction teaches the baseline the new inputs, but its score stays out
        // of the calibration: it measured the input's novelty, not the model's.
        add(row, p, kind == Kind.NONE || blamed ? rawScore : Double.NaN);
      }
    }
    return new Verdict(
        Status.SCORED,
        kind != Kind.NONE,
        kind,
        tail,
        Verdict.scoreOf(tail),
        settings.threshold(),
        size,
        limit(suspects),
        input);
  }

  /**
   * During warm-up, a prediction's raw score against the rows so far (once there are enough of
   * them), so that calibration has scores as soon as the baseline is ready.
   */
  private double scoreForWarmUp(PredictionStatistics p, float[] row) {
    if (size < settings.minBaseline()) {
      return Double.NaN;
    }
    ReferenceStatistics ref = reference(p.tokens() > 0 ? p.tokens() : medianLength());
    if (ref.medianLengthRatio() > settings.lengthRatio()) {
      return Double.NaN;
    }
    return score(row, ref).max;
  }

  private int scoredRows() {
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (!Float.isNaN(scores[i])) {
        n++;
      }
    }
    return n;
  }

  private List<Suspect> limit(List<Suspect> suspects) {
    return suspects.size() <= settings.maxSuspects()
        ? suspects
        : suspects.subList(0, settings.maxSuspects());
  }

  /** The prediction's features in this layout; NaN where missing. */
  float[] features(PredictionStatistics p) {
    float[] row = new float[layout.size()];
    Arrays.fill(row, Float.NaN);
    int layers = layout.layers();
    int heads = layout.heads();
    for (int s = 0; s < FeatureLayout.ATTENTION_STATISTICS.size(); s++) {
      double[] values = p.attention().get(FeatureLayout.ATTENTION_STATISTICS.get(s));
      if (values != null) {
        for (int l = 0; l < layers; l++) {
          for (int h = 0; h < heads; h++) {
            row[layout.attention(s, l, h)] = (float) values[l * heads + h];
          }
        }
      }
    }
    if (p.headOutputNorm() != null) {
      for (int l = 0; l < layers; l++) {
        for (int h = 0; h < heads; h++) {
          row[layout.headOutput(l, h)] = (float) p.headOutputNorm()[l * heads + h];
        }
      }
    }
    for (int s = 0; s < FeatureLayout.HIDDEN_STATE_STATISTICS.size(); s++) {
      double[] values = p.activation().get(FeatureLayout.HIDDEN_STATE_STATISTICS.get(s));
      if (values != null) {
        for (int l = 0; l < layers; l++) {
          row[layout.hiddenState(s, l)] = (float) values[l];
        }
      }
    }
    return row;
  }

  /**
   * Non-finite evidence, earliest layer first: per layer, attention heads, then head outputs, then
   * the hidden state. A per-head site where every head is non-finite is one suspect (head -1, value
   * = the number of heads). Attention and head outputs count only where the baseline has the
   * feature (once it has enough rows): a model that never reports a head is not faulted for it.
   */
  private List<Suspect> nonFiniteEvidence(PredictionStatistics p, float[] row) {
    ReferenceStatistics ref =
        size >= settings.minBaseline() && capacity >= settings.minBaseline()
            ? reference(p.tokens() > 0 ? p.tokens() : medianLength())
            : null;
    double[] hiddenNonFinite = p.activation().get(FeatureLayout.NONFINITE);
    List<Suspect> out = new ArrayList<>();
    int heads = layout.heads();
    for (int l = 0; l < layout.layers(); l++) {
      for (Site site : new Site[] {Site.ATTENTION, Site.HEAD_OUTPUT}) {
        List<Integer> bad = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
          if (headNonFinite(row, ref, site, l, h)) {
            bad.add(h);
          }
        }
        if (bad.size() == heads && heads > 1) {
          out.add(nonFiniteSuspect(l, -1, site, heads));
        } else {
          for (int h : bad) {
            out.add(nonFiniteSuspect(l, h, site, Double.NaN));
          }
        }
      }
      if (hiddenNonFinite != null && hiddenNonFinite[l] > 0) {
        out.add(nonFiniteSuspect(l, -1, Site.HIDDEN_STATE, hiddenNonFinite[l]));
      }
    }
    return out;
  }

  private boolean headNonFinite(
      float[] row, ReferenceStatistics ref, Site site, int layer, int head) {
    if (ref == null) {
      return false;
    }
    if (site == Site.HEAD_OUTPUT) {
      int f = layout.headOutput(layer, head);
      return !Float.isFinite(row[f]) && ref.usable(f);
    }
    for (int s = 0; s < FeatureLayout.ATTENTION_STATISTICS.size(); s++) {
      int f = layout.attention(s, layer, head);
      if (!Float.isFinite(row[f]) && ref.usable(f)) {
        return true;
      }
    }
    return false;
  }

  private static Suspect nonFiniteSuspect(int layer, int head, Site site, double value) {
    return new Suspect(
        layer,
        head,
        site,
        FeatureLayout.NONFINITE,
        value,
        site == Site.HIDDEN_STATE ? 0.0 : Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.POSITIVE_INFINITY);
  }

  /** The result of comparing one row with a reference. */
  private record Scored(double max, List<Suspect> suspects, double firstLayerBreadth) {}

  private Scored score(float[] row, ReferenceStatistics ref) {
    int components = layout.componentCount();
    int[] bestFeature = new int[components];
    double[] bestSurprise = new double[components];
    double[] bestAbsZ = new double[components];
    Arrays.fill(bestFeature, -1);
    double max = 0;
    for (int f = 0; f < row.length; f++) {
      double z = ref.deviation(f, row[f]);
      if (Double.isNaN(z)) {
        continue;
      }
      double s = ref.surprise(f, z);
      max = Math.max(max, s);
      int c = layout.component(f);
      double a = Math.abs(z);
      if (bestFeature[c] < 0 || s > bestSurprise[c] || (s == bestSurprise[c] && a > bestAbsZ[c])) {
        bestFeature[c] = f;
        bestSurprise[c] = s;
        bestAbsZ[c] = a;
      }
    }
    // First-layer breadth: heads of layer 0 whose attention or output deviates beyond p ~ 0.01.
    int heads = layout.heads();
    int deviating = 0;
    for (int h = 0; h < heads; h++) {
      int attention = layout.component(layout.attention(0, 0, h));
      int output = layout.component(layout.headOutput(0, h));
      if (bestSurprise[attention] >= BREADTH_SURPRISE || bestSurprise[output] >= BREADTH_SURPRISE) {
        deviating++;
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int c = 0; c < components; c++) {
      if (bestFeature[c] >= 0 && bestSurprise[c] > 0) {
        order.add(c);
      }
    }
    order.sort(
        Comparator.<Integer>comparingDouble(c -> -bestSurprise[c])
            .thenComparingDouble(c -> -bestAbsZ[c]));
    List<Suspect> suspects = new ArrayList<>();
    for (int i = 0; i < Math.min(order.size(), settings.maxSuspects()); i++) {
      int f = bestFeature[order.get(i)];
      suspects.add(
          new Suspect(
              layout.layer(f),
              layout.head(f),
              layout.site(f),
              layout.statistic(f),
              row[f],
              ref.median(f),
              ref.deviation(f, row[f]),
              bestSurprise[order.get(i)]));
    }
    return new Scored(max, suspects, (double) deviating / heads);
  }

  private InputVerdict inputVerdict(
      PredictionStatistics p,
      WindowSummary w,
      boolean comparable,
      double breadth,
      boolean modelUnusual) {
    List<InputFact> facts = new ArrayList<>();
    double threshold = settings.threshold();
    if (p.tokens() > 0) {
      double d = Math.abs(Math.log(p.tokens()) - w.medianLogLength());
      double tail =
          TailCalibration.tailProbability(
              w.sortedLogLengthDeviations(), w.sortedLogLengthDeviations().length, d, 0.01);
      facts.add(
          new InputFact(
              InputFact.TOKENS,
              p.tokens(),
              w.medianLength(),
              tail,
              !comparable || tail <= threshold));
    }
    if (p.truncated() != null) {
      double share =
          w.truncatedKnown() == 0 ? Double.NaN : (double) w.truncatedCount() / w.truncatedKnown();
      double tail = p.truncated() ? (w.truncatedCount() + 0.5) / (w.truncatedKnown() + 1.0) : 1.0;
      facts.add(
          new InputFact(
              InputFact.TRUNCATED, p.truncated() ? 1 : 0, share, tail, tail <= threshold));
    }
    double unknown = p.unknownShare();
    if (!Double.isNaN(unknown)) {
      double[] shares = w.sortedUnknownShares();
      int n = shares.length;
      double tail = 1.0;
      if (unknown > 0 && n > 0) {
        int atLeast = n - TailCalibration.lowerBound(shares, n, unknown);
        tail = (atLeast + 0.5) / (n + 1.0);
      }
      double expected = n == 0 ? Double.NaN : ReferenceStatistics.medianOfSorted(shares, n);
      facts.add(new InputFact(InputFact.UNKNOWN_SHARE, unknown, expected, tail, tail <= threshold));
    }
    if (!Double.isNaN(breadth)) {
      facts.add(
          new InputFact(
              InputFact.FIRST_LAYER_BREADTH,
              breadth,
              Double.NaN,
              Double.NaN,
              modelUnusual && breadth >= BREADTH_SHARE));
    }
    boolean unusual = !comparable || facts.stream().anyMatch(InputFact::unusual);
    return new InputVerdict(unusual, comparable, facts);
  }

  /** The reference for a length, from the cache unless stale. */
  private ReferenceStatistics reference(int length) {
    int bin = bin(length);
    ReferenceStatistics cached = references.get(bin);
    if (cached != null && admissions - cached.version() < refreshEvery) {
      return cached;
    }
    int representative = representative(bin);
    ReferenceStatistics built = buildReference(representative);
    references.put(bin, built);
    return built;
  }

  static int bin(int length) {
    if (length <= EXACT_BINS) {
      return Math.max(1, length);
    }
    return EXACT_BINS
        + 1
        + (int) Math.floor(Math.log(length / (double) EXACT_BINS) / Math.log(BIN_RATIO));
  }

  /** The length a bin stands for: itself up to 16, then the bin's geometric centre. */
  static int representative(int bin) {
    if (bin <= EXACT_BINS) {
      return bin;
    }
    return (int) Math.round(EXACT_BINS * Math.pow(BIN_RATIO, bin - EXACT_BINS - 1 + 0.5));
  }

  /**
   * The {@code neighbours} rows nearest in log length; among equally near rows, the newest first.
   */
  private ReferenceStatistics buildReference(int length) {
    int k = Math.min(settings.neighbours(), size);
    Integer[] order = new Integer[size];
    double[] distance = new double[size];
    double target = Math.log(Math.max(1, length));
    for (int i = 0; i < size; i++) {
      order[i] = i;
      distance[i] = Math.abs(Math.log(Math.max(1, tokens[i])) - target);
    }
    Arrays.sort(
        order, Comparator.<Integer>comparingDouble(i -> distance[i]).thenComparingInt(this::age));
    int[] chosen = new int[k];
    int[] lengths = new int[k];
    for (int i = 0; i < k; i++) {
      chosen[i] = order[i];
      lengths[i] = tokens[order[i]];
    }
    return ReferenceStatistics.build(rows, chosen, lengths, length, layout.size(), admissions);
  }

  /** 0 for the newest row, size-1 for the oldest. */
  private int age(int i) {
    return Math.floorMod(next - 1 - i, capacity);
  }

  private int medianLength() {
    return summary().medianLength();
  }

  private WindowSummary summary() {
    if (summary != null && admissions - summary.version() < refreshEvery) {
      return summary;
    }
    double[] sc = new double[size];
    double[] logLengths = new double[size];
    double[] shares = new double[size];
    int lengthKnown = 0;
    int shareKnown = 0;
    int truncatedKnown = 0;
    int truncatedCount = 0;
    for (int i = 0; i < size; i++) {
      sc[i] = scores[i];
      if (tokens[i] > 0) {
        logLengths[lengthKnown++] = Math.log(tokens[i]);
      }
      if (!Float.isNaN(unknownShare[i])) {
        shares[shareKnown++] = unknownShare[i];
      }
      if (truncated[i] >= 0) {
        truncatedKnown++;
        truncatedCount += truncated[i];
      }
    }
    Arrays.sort(logLengths, 0, lengthKnown);
    double medianLog = ReferenceStatistics.medianOfSorted(logLengths, lengthKnown);
    double[] deviations = new double[lengthKnown];
    for (int i = 0; i < lengthKnown; i++) {
      deviations[i] = Math.abs(logLengths[i] - medianLog);
    }
    Arrays.sort(deviations);
    double[] sortedShares = Arrays.copyOf(shares, shareKnown);
    Arrays.sort(sortedShares);
    summary =
        new WindowSummary(
            admissions,
            TailCalibration.sortedFinite(sc, size),
            medianLog,
            deviations,
            truncatedKnown,
            truncatedCount,
            sortedShares,
            lengthKnown,
            lengthKnown == 0 ? 1 : (int) Math.round(Math.exp(medianLog)));
    return summary;
  }

  private void add(float[] row, PredictionStatistics p, double rawScore) {
    if (capacity == 0) {
      return;
    }
    rows[next] = row;
    tokens[next] = p.tokens();
    truncated[next] = p.truncated() == null ? (byte) -1 : (byte) (p.truncated() ? 1 : 0);
    unknownShare[next] = (float) p.unknownShare();
    scores[next] = Double.isFinite(rawScore) ? (float) rawScore : Float.NaN;
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
    admissions++;
  }
}
