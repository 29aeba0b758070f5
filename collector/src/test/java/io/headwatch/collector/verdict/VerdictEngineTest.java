package io.headwatch.collector.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verdicts against a synthetic model (3 layers x 4 heads) whose clean statistics depend on length,
 * on a shared content factor and on heavy-tailed noise; see {@link SyntheticModel}. One engine is
 * trained once with 2000 clean predictions; tests judge new predictions with {@link
 * VerdictEngine#score} so that the baseline stays the same for all of them.
 */
class VerdictEngineTest {
  private static final String MODEL = "synthetic";
  private static SyntheticModel model;
  private static VerdictEngine engine;

  @BeforeAll
  static void train() {
    model = new SyntheticModel(3, 4, 42);
    engine = new VerdictEngine(VerdictSettings.defaults());
    for (int i = 0; i < 2000; i++) {
      engine.judge(MODEL, model.clean());
    }
  }

  @Test
  void atMostOnePercentOfCleanPredictionsAreFlaggedAtTheDefaultThreshold() {
    int n = 4000;
    int flagged = 0;
    int belowTenth = 0;
    for (int i = 0; i < n; i++) {
      Verdict v = engine.score(MODEL, model.clean());
      assertEquals(Status.SCORED, v.status());
      if (v.anomalous()) {
        flagged++;
      }
      if (v.tailProbability() <= 0.1) {
        belowTenth++;
      }
    }
    double rate = (double) flagged / n;
    assertTrue(rate <= 0.01, "clean predictions flagged: " + rate);
    // The score means what it says: about a tenth of clean predictions have tail probability
    // <= 0.1 (binomial sd at n = 4000 is 0.5 %; the bounds allow for the estimate's own error).
    double tenth = (double) belowTenth / n;
    assertTrue(tenth > 0.06 && tenth < 0.14, "share with tail probability <= 0.1: " + tenth);
  }

  @Test
  void aShiftedHeadIsAnomalousAndTheFirstSuspect() {
    int hits = 0;
    int flagged = 0;
    for (int i = 0; i < 100; i++) {
      PredictionStatistics clean = model.clean();
      double entropy = clean.attention().get("entropy")[1 * 4 + 2];
      // About 20 times the feature's spread (noise sd 0.1, shared content factor sd up to 0.5).
      Verdict v =
          engine.score(MODEL, SyntheticModel.withAttention(clean, "entropy", 1, 2, entropy + 10));
      if (v.anomalous() && v.kind() == Kind.MODEL) {
        flagged++;
      }
      Suspect first = v.suspects().get(0);
      if (first.layer() == 1 && first.head() == 2 && first.site() == Site.ATTENTION) {
        hits++;
        assertEquals("entropy", first.statistic());
        assertTrue(first.deviation() > 0, "deviation has the sign of the change");
      }
    }
    assertTrue(hits >= 99, "shifted head ranked first in " + hits + "/100");
    assertTrue(flagged >= 95, "flagged " + flagged + "/100");
  }

  @Test
  void aValuePathChangeNamesTheHeadOutput() {
    int hits = 0;
    for (int i = 0; i < 100; i++) {
      Verdict v = engine.score(MODEL, SyntheticModel.withOutputNormTimes(model.clean(), 2, 1, 4.0));
      Suspect first = v.suspects().get(0);
      if (first.layer() == 2 && first.head() == 1 && first.site() == Site.HEAD_OUTPUT) {
        hits++;
        assertEquals(FeatureLayout.OUTPUT_NORM, first.statistic());
      }
    }
    assertTrue(hits >= 99, "head output ranked first in " + hits + "/100");
  }

  @Test
  void aNaNHeadRaisesTheScoreAndNamesTheFirstLayerWithNonFiniteValues() {
    for (int i = 0; i < 50; i++) {
      PredictionStatistics clean = model.clean();
      Verdict before = engine.score(MODEL, clean);
      PredictionStatistics broken =
          SyntheticModel.withNonFiniteFrom(SyntheticModel.withNaNHead(clean, 1, 3), 1, 17);
      Verdict after = engine.score(MODEL, broken);
      assertTrue(after.anomalous());
      assertEquals(Kind.MODEL, after.kind());
      assertEquals(0.0, after.tailProbability());
      assertEquals(Verdict.MAX_SCORE, after.score());
      assertTrue(after.score() >= before.score(), "NaN must never lower the score");
      Suspect first = after.suspects().get(0);
      assertEquals(1, first.layer());
      assertEquals(3, first.head());
      assertEquals(Site.ATTENTION, first.site());
      assertTrue(first.nonFinite());
      Suspect second = after.suspects().get(1);
      assertEquals(1, second.layer());
      assertEquals(Site.HIDDEN_STATE, second.site());
      assertEquals(17.0, second.value());
    }
  }

  @Test
  void aNaNHeadAloneStillRaisesTheScore() {
    PredictionStatistics clean = model.clean();
    Verdict before = engine.score(MODEL, clean);
    Verdict after = engine.score(MODEL, SyntheticModel.withNaNHead(clean, 0, 0));
    assertTrue(after.anomalous());
    assertTrue(after.score() > before.score());
    assertEquals(0, after.suspects().get(0).layer());
    assertEquals(0, after.suspects().get(0).head());
  }

  @Test
  void longerInputsThanTheBaselineEverSawAreBlamedOnTheInput() {
    for (int tokens : new int[] {120, 300}) {
      Verdict v = engine.score(MODEL, model.clean(tokens));
      assertTrue(v.anomalous());
      assertEquals(Kind.INPUT, v.kind());
      assertFalse(v.input().comparable());
      assertTrue(v.input().fact(InputFact.TOKENS).unusual());
      assertTrue(Double.isNaN(v.tailProbability()), "the model is not scored");
      assertTrue(v.suspects().isEmpty(), "no head is blamed: " + v.suspects());
    }
    Verdict shortOne = engine.score(MODEL, model.clean(2));
    assertEquals(Kind.INPUT, shortOne.kind());
  }

  @Test
  void truncationAndUnknownTokensWhereTheBaselineHasNoneAreUnusualInputs() {
    Verdict cut = engine.score(MODEL, SyntheticModel.withInput(model.clean(30), true, 0));
    assertEquals(Kind.INPUT, cut.kind());
    InputFact truncated = cut.input().fact(InputFact.TRUNCATED);
    assertTrue(truncated.unusual());
    assertEquals(0.0, truncated.expected());
    // (0 truncated + 0.5) / (n + 1), n the baseline's size when its summary was last refreshed
    // (at most 50 admissions ago).
    assertTrue(
        truncated.tailProbability() >= 0.5 / 2001 && truncated.tailProbability() <= 0.5 / 1951,
        "tail probability " + truncated.tailProbability());

    Verdict unknown = engine.score(MODEL, SyntheticModel.withInput(model.clean(20), false, 5));
    assertEquals(Kind.INPUT, unknown.kind());
    InputFact share = unknown.input().fact(InputFact.UNKNOWN_SHARE);
    assertEquals(0.25, share.value(), 1e-12);
    assertTrue(share.unusual());

    Verdict plain = engine.score(MODEL, SyntheticModel.withInput(model.clean(20), false, 0));
    assertFalse(plain.input().fact(InputFact.TRUNCATED).unusual());
    assertFalse(plain.input().fact(InputFact.UNKNOWN_SHARE).unusual());
  }

  @Test
  void aDeviationAcrossTheWholeFirstLayerIsBlamedOnTheInput() {
    PredictionStatistics p = model.clean(20);
    for (int h = 0; h < 4; h++) {
      double v = p.attention().get("max_weight")[h];
      p = SyntheticModel.withAttention(p, "max_weight", 0, h, v + 5);
    }
    Verdict v = engine.score(MODEL, p);
    assertTrue(v.anomalous());
    assertEquals(Kind.INPUT, v.kind());
    InputFact breadth = v.input().fact(InputFact.FIRST_LAYER_BREADTH);
    assertEquals(1.0, breadth.value());
    assertTrue(breadth.unusual());
  }

  @Test
  void onlyNonFiniteValuesAreJudgedWhileWarmingUp() {
    VerdictEngine fresh = new VerdictEngine(VerdictSettings.defaults());
    SyntheticModel m = new SyntheticModel(2, 2, 7);
    for (int i = 0; i < 200; i++) {
      Verdict v = fresh.judge("m", m.clean());
      assertEquals(Status.WARMING_UP, v.status());
      assertFalse(v.anomalous());
      assertNull(v.input());
    }
    assertEquals(200, fresh.baselineSize("m"));
    Verdict nan = fresh.judge("m", SyntheticModel.withNonFiniteFrom(m.clean(), 1, 3));
    assertEquals(Status.WARMING_UP, nan.status());
    assertTrue(nan.anomalous());
    assertEquals(1, nan.suspects().get(0).layer());
    assertEquals(200, fresh.baselineSize("m"), "a prediction with NaN never joins the baseline");
    // Scoring starts once enough baseline predictions have scores of their own to calibrate with.
    Verdict v = null;
    for (int i = 0; i < 60; i++) {
      v = fresh.judge("m", m.clean());
    }
    assertEquals(Status.SCORED, v.status());
  }

  @Test
  void predictionsBlamedOnTheModelDoNotJoinTheBaselineUnlessAdmittedEveryNth() {
    VerdictSettings base = VerdictSettings.defaults().withWindow(400, 200, 100);
    for (int every : new int[] {0, 3}) {
      VerdictSettings s =
          new VerdictSettings(
              base.threshold(),
              base.window(),
              base.maxBytesPerModel(),
              base.maxBytesTotal(),
              base.minBaseline(),
              base.neighbours(),
              base.lengthRatio(),
              base.maxSuspects(),
              every);
      VerdictEngine e = new VerdictEngine(s);
      SyntheticModel m = new SyntheticModel(2, 3, 9);
      int blamed = 0; // counted from the start: clean traffic can be blamed too, now and then
      for (int i = 0; i < 300; i++) {
        if (e.judge("m", m.clean()).kind() == Kind.MODEL) {
          blamed++;
        }
      }
      int before = blamed;
      int size = e.baselineSize("m");
      for (int i = 0; i < 9; i++) {
        PredictionStatistics clean = m.clean();
        double x = clean.attention().get("sink_mass")[4];
        Verdict v = e.judge("m", SyntheticModel.withAttention(clean, "sink_mass", 1, 1, x + 50));
        int now = e.baselineSize("m");
        if (v.kind() == Kind.MODEL) {
          blamed++;
          boolean admitted = every > 0 && blamed % every == 0;
          assertEquals(admitted ? size + 1 : size, now, "every=" + every + ", blamed=" + blamed);
        } else {
          assertEquals(size + 1, now, "a prediction not blamed on the model joins");
        }
        size = now;
      }
      assertTrue(
          blamed - before >= 3, "every=" + every + ": blamed " + (blamed - before) + " of 9");
    }
  }

  @Test
  void aNewShapeRestartsTheModelsBaseline() {
    VerdictEngine e = new VerdictEngine(VerdictSettings.defaults());
    SyntheticModel small = new SyntheticModel(2, 2, 1);
    for (int i = 0; i < 50; i++) {
      e.judge("m", small.clean());
    }
    assertEquals(50, e.baselineSize("m"));
    Verdict v = e.judge("m", new SyntheticModel(3, 2, 2).clean());
    assertEquals(Status.WARMING_UP, v.status());
    assertEquals(1, e.baselineSize("m"));
  }

  @Test
  void memoryIsBoundedByBytesAcrossModels() {
    VerdictSettings s = VerdictSettings.defaults().withWindow(400, 200, 100);
    long perModel =
        new ModelBaseline(new FeatureLayout(3, 4), s, (int) ModelBaseline.rowsFor(3, 4, s))
            .reservedBytes();
    VerdictEngine e = new VerdictEngine(s.withBytes(perModel, 2 * perModel + 1));
    SyntheticModel m = new SyntheticModel(3, 4, 3);
    e.judge("a", m.clean());
    e.judge("b", m.clean());
    assertEquals(2, e.modelCount());
    e.judge("a", m.clean()); // a is now more recent than b
    e.judge("c", m.clean());
    assertEquals(2, e.modelCount());
    assertTrue(e.reservedBytes() <= 2 * perModel + 1);
    assertEquals(0, e.baselineSize("b"), "the least recently judged model was dropped");
    assertEquals(2, e.baselineSize("a"));
  }

  @Test
  void aModelTooLargeForItsBudgetIsOnlyJudgedOnNonFiniteValues() {
    // 64 layers x 64 heads: 36,864 features (147 KB a row); 8 MiB hold fewer than 200 rows.
    VerdictSettings s = VerdictSettings.defaults().withBytes(8L << 20, 8L << 20);
    VerdictEngine e = new VerdictEngine(s);
    SyntheticModel big = new SyntheticModel(64, 64, 5);
    Verdict v = e.judge("big", big.clean());
    assertEquals(Status.TOO_LARGE, v.status());
    assertFalse(v.anomalous());
    assertEquals(0, e.reservedBytes());
    assertEquals(0, e.baselineSize("big"));
    Verdict nan = e.judge("big", SyntheticModel.withNonFiniteFrom(big.clean(), 10, 1));
    assertTrue(nan.anomalous());
    assertEquals(10, nan.suspects().get(0).layer());
  }

  @Test
  void suspectsAreRankedBySurpriseAndLimited() {
    Verdict v = engine.score(MODEL, SyntheticModel.withOutputNormTimes(model.clean(), 0, 0, 3.0));
    List<Suspect> s = v.suspects();
    assertTrue(s.size() <= VerdictSettings.defaults().maxSuspects());
    for (int i = 1; i < s.size(); i++) {
      assertTrue(s.get(i - 1).surprise() >= s.get(i).surprise(), "ranked: " + s);
    }
  }
}
