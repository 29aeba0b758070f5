package io.headwatch.collector.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.model.AttentionStatistic;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.TopHeads;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineTrackerTest {
  private static final double EPS = 1e-5; // windows hold floats

  /** One layer, two heads; only entropy is sent. */
  private static double[][] entropy(double head0, double head1) {
    double[][] stats = new double[AttentionStatistic.ALL.size()][];
    stats[AttentionStatistic.ENTROPY.ordinal()] = new double[] {head0, head1};
    return stats;
  }

  @Test
  void scoresAgainstTheWindowBeforeTheSnapshotJoinsIt() {
    BaselineTracker t = new BaselineTracker(5, 2, 3);
    assertTrue(t.scoreAndAdd("m", 1, 2, entropy(0.1, 0.5), 0).isEmpty(), "below baseline-min");
    assertTrue(t.scoreAndAdd("m", 1, 2, entropy(0.2, 0.5), 0).isEmpty());
    assertTrue(t.scoreAndAdd("m", 1, 2, entropy(0.3, 0.5), 0).isEmpty());

    List<HeadDeviation> top = t.scoreAndAdd("m", 1, 2, entropy(0.9, 0.5), 0);
    assertEquals(2, top.size());
    HeadDeviation first = top.get(0);
    assertEquals(0, first.layer());
    assertEquals(0, first.head());
    assertEquals("entropy", first.statistic());
    // head 0 window {0.1, 0.2, 0.3}: median 0.2, MAD median{0.1, 0, 0.1} = 0.1
    assertEquals(0.2, first.median(), EPS);
    assertEquals(0.1, first.mad(), EPS);
    assertEquals(0.7 / (1.4826 * 0.1), first.z(), 1e-4);
    // head 1 never moved: MAD 0 is floored, and 0.5 sits on the median
    assertEquals(1, top.get(1).head());
    assertEquals(0.0, top.get(1).z(), EPS);
    assertEquals(4, t.windowSize("m"));
  }

  @Test
  void windowKeepsTheLastNAndComparesNowWithOlder() {
    // "Now" is the last 1000 ms: snapshots received at 9000 ms or later, compared at 10000 ms.
    BaselineTracker t = new BaselineTracker(5, 1000, 3);
    double[] values = {9, 9, 1, 2, 3, 4, 5};
    long[] received = {1000, 2000, 3000, 4000, 5000, 9000, 9500};
    for (int i = 0; i < values.length; i++) {
      t.scoreAndAdd("m", 1, 2, entropy(values[i], 0.5), received[i]);
    }
    assertEquals(5, t.windowSize("m"));
    HeadBaseline h =
        t.compare("m", 10_000).stream()
            .filter(b -> b.head() == 0 && b.statistic().equals("entropy"))
            .findFirst()
            .orElseThrow();
    // window {1, 2, 3, 4, 5}: now {4, 5} -> 4.5; older {1, 2, 3} -> median 2, MAD 1
    assertEquals(4.5, h.recentMedian(), EPS);
    assertEquals(2, h.recentCount());
    assertEquals(2.0, h.baselineMedian(), EPS);
    assertEquals(1.0, h.baselineMad(), EPS);
    assertEquals(3, h.baselineCount());
    assertEquals(2.5 / 1.4826, h.z(), 1e-4);

    // Later, nothing is recent: "now" is empty rather than the newest few.
    HeadBaseline later =
        t.compare("m", 60_000).stream()
            .filter(b -> b.head() == 0 && b.statistic().equals("entropy"))
            .findFirst()
            .orElseThrow();
    assertEquals(0, later.recentCount());
    assertEquals(5, later.baselineCount());
    assertTrue(Double.isNaN(later.z()));
  }

  @Test
  void keepsTheTenMostDeviantHeads() {
    BaselineTracker t = new BaselineTracker(10, 2, 2);
    int heads = 12;
    double[][] base = new double[AttentionStatistic.ALL.size()][];
    base[AttentionStatistic.SINK_MASS.ordinal()] = new double[heads];
    t.scoreAndAdd("m", 1, heads, base, 0);
    t.scoreAndAdd("m", 1, heads, base, 0);
    double[][] probe = new double[AttentionStatistic.ALL.size()][];
    probe[AttentionStatistic.SINK_MASS.ordinal()] = new double[heads];
    for (int h = 0; h < heads; h++) {
      probe[AttentionStatistic.SINK_MASS.ordinal()][h] = h * 0.01;
    }
    List<HeadDeviation> top = t.scoreAndAdd("m", 1, heads, probe, 0);
    assertEquals(TopHeads.LIMIT, top.size());
    assertEquals(11, top.get(0).head());
    assertEquals(2, top.get(9).head());
    assertEquals("sink_mass", top.get(0).statistic());
  }

  @Test
  void aNewShapeRestartsTheWindow() {
    BaselineTracker t = new BaselineTracker(5, 2, 1);
    t.scoreAndAdd("m", 1, 2, entropy(0.1, 0.1), 0);
    t.scoreAndAdd("m", 1, 2, entropy(0.1, 0.1), 0);
    double[][] other = new double[AttentionStatistic.ALL.size()][];
    other[0] = new double[] {0.1, 0.1, 0.1};
    assertTrue(t.scoreAndAdd("m", 1, 3, other, 0).isEmpty());
    assertEquals(1, t.windowSize("m"));
  }
}
