package io.headwatch.collector.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.model.AttentionStatistic;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** All baseline windows together stay within their byte budget. */
class BaselineBudgetTest {
  private static double[][] stats(int cells) {
    double[][] s = new double[AttentionStatistic.ALL.size()][];
    s[0] = new double[cells];
    return s;
  }

  @Test
  void theModelSeenLongestAgoLosesItsWindowToANewOne() {
    long perModel = ModelBaseline.bytesFor(1, 2, 5);
    AtomicInteger evicted = new AtomicInteger();
    BaselineTracker t = new BaselineTracker(5, 2, 3, 2 * perModel, evicted::incrementAndGet);
    t.scoreAndAdd("a", 1, 2, stats(2), 0);
    t.scoreAndAdd("b", 1, 2, stats(2), 0);
    t.scoreAndAdd("a", 1, 2, stats(2), 0); // a is now the more recently seen
    assertEquals(2 * perModel, t.bytes());
    t.scoreAndAdd("c", 1, 2, stats(2), 0);
    assertEquals(1, evicted.get());
    assertEquals(0, t.windowSize("b"), "b was seen longest ago");
    assertEquals(2, t.windowSize("a"));
    assertEquals(1, t.windowSize("c"));
    assertTrue(t.bytes() <= 2 * perModel);
  }

  @Test
  void aModelTooLargeForItsWindowGetsAShorterOne() {
    // 100 x 100 heads: one snapshot row is 9 statistics x 10 000 floats, about 360 kB.
    long budget = ModelBaseline.bytesFor(100, 100, 10);
    BaselineTracker t = new BaselineTracker(500, 50, 3, budget, () -> {});
    t.scoreAndAdd("huge", 100, 100, stats(10_000), 0);
    assertEquals(10, t.capacity("huge"));
    assertTrue(t.bytes() <= budget);
    for (int i = 0; i < 30; i++) {
      t.scoreAndAdd("huge", 100, 100, stats(10_000), 0);
    }
    assertEquals(10, t.windowSize("huge"), "the window holds its capacity, the newest snapshots");
  }
}
