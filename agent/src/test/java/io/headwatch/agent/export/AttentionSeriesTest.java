package io.headwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AttentionSeriesTest {
  private static final int[] INDEX = {0, 1, 2};
  private static final int STRIDE = 3;

  /** Statistics of one layer: every head at (0.5, 0.5, 0.5) except {@code odd} at {@code value}. */
  private static double[] layer(int heads, int odd, double value) {
    double[] stats = new double[heads * STRIDE];
    java.util.Arrays.fill(stats, 0.5);
    if (odd >= 0) {
      stats[odd * STRIDE] = value;
    }
    return stats;
  }

  @Test
  void autoChoosesHeadUpToTheCapAndTopKAbove() {
    assertEquals(AttentionSeries.Mode.HEAD, new AttentionSeries("auto", 4, 1024).mode(6, 12));
    assertEquals(AttentionSeries.Mode.HEAD, new AttentionSeries("auto", 4, 1024).mode(32, 32));
    assertEquals(AttentionSeries.Mode.TOP_K, new AttentionSeries("auto", 4, 1024).mode(96, 96));
    assertEquals(AttentionSeries.Mode.LAYER, new AttentionSeries("layer", 4, 1024).mode(6, 12));
    assertEquals(AttentionSeries.Mode.HEAD, new AttentionSeries("head", 4, 10).mode(96, 96));
  }

  @Test
  void headHistogramModeSelectsEveryHeadAndLayerModeNone() {
    assertEquals(
        AttentionSeries.Mode.HEAD_HISTOGRAM,
        new AttentionSeries("head_histogram", 4, 1024).mode(6, 12));
    boolean[] selected = new boolean[12];
    new AttentionSeries("head_histogram", 4, 1024)
        .select(6, 0, 12, layer(12, -1, 0), STRIDE, INDEX, selected);
    for (boolean s : selected) {
      assertEquals(true, s);
    }
    new AttentionSeries("layer", 4, 1024)
        .select(6, 0, 12, layer(12, -1, 0), STRIDE, INDEX, selected);
    for (boolean s : selected) {
      assertEquals(false, s);
    }
  }

  @Test
  void topKWaitsForWarmUpThenPicksTheHeadThatLeftItsOwnHistory() {
    AttentionSeries series = new AttentionSeries("top_k", 1, 1024);
    boolean[] selected = new boolean[4];
    // Steady history, slightly different per head so that variances are not all the floor.
    for (int i = 0; i < AttentionSeries.WARM_UP; i++) {
      series.select(2, 1, 4, layer(4, -1, 0), STRIDE, INDEX, selected);
      assertArrayEquals(new boolean[4], selected, "nothing selected during warm-up");
    }
    // Head 2's entropy jumps from 0.5 to 0.9: it is the one most unlike its own past.
    series.select(2, 1, 4, layer(4, 2, 0.9), STRIDE, INDEX, selected);
    assertArrayEquals(new boolean[] {false, false, true, false}, selected);
    assertEquals(1, series.headSeries());
  }

  @Test
  void topKStopsCreatingSeriesAtTheCapAndCountsTheRefusals() {
    AttentionSeries series = new AttentionSeries("top_k", 1, 2);
    boolean[] selected = new boolean[4];
    for (int i = 0; i < AttentionSeries.WARM_UP; i++) {
      series.select(1, 0, 4, layer(4, -1, 0), STRIDE, INDEX, selected);
    }
    assertEquals(0, series.select(1, 0, 4, layer(4, 0, 0.9), STRIDE, INDEX, selected));
    assertEquals(0, series.select(1, 0, 4, layer(4, 1, 0.95), STRIDE, INDEX, selected));
    // Two series exist (heads 0 and 1): head 3 now deviates most but no series may be created.
    int refused = series.select(1, 0, 4, layer(4, 3, 0.99), STRIDE, INDEX, selected);
    assertEquals(2, series.headSeries());
    assertEquals(false, selected[3]);
    assertEquals(true, refused >= 1, "refusals counted");
  }
}
