package io.headwatch.collector.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeatureLayoutTest {
  @Test
  void everyFeatureMapsBackToItsSiteLayerHeadAndStatistic() {
    FeatureLayout l = new FeatureLayout(3, 5);
    assertEquals(3 * 5 * 9 + 3 * 6, l.size());
    Set<Integer> seen = new HashSet<>();
    for (int s = 0; s < FeatureLayout.ATTENTION_STATISTICS.size(); s++) {
      for (int layer = 0; layer < 3; layer++) {
        for (int head = 0; head < 5; head++) {
          int f = l.attention(s, layer, head);
          assertTrue(seen.add(f));
          assertEquals(Site.ATTENTION, l.site(f));
          assertEquals(layer, l.layer(f));
          assertEquals(head, l.head(f));
          assertEquals(FeatureLayout.ATTENTION_STATISTICS.get(s), l.statistic(f));
          assertEquals(layer * 5 + head, l.component(f));
        }
      }
    }
    for (int layer = 0; layer < 3; layer++) {
      for (int head = 0; head < 5; head++) {
        int f = l.headOutput(layer, head);
        assertTrue(seen.add(f));
        assertEquals(Site.HEAD_OUTPUT, l.site(f));
        assertEquals(layer, l.layer(f));
        assertEquals(head, l.head(f));
        assertEquals(FeatureLayout.OUTPUT_NORM, l.statistic(f));
        assertEquals(15 + layer * 5 + head, l.component(f));
      }
      for (int s = 0; s < FeatureLayout.HIDDEN_STATE_STATISTICS.size(); s++) {
        int f = l.hiddenState(s, layer);
        assertTrue(seen.add(f));
        assertEquals(Site.HIDDEN_STATE, l.site(f));
        assertEquals(layer, l.layer(f));
        assertEquals(-1, l.head(f));
        assertEquals(FeatureLayout.HIDDEN_STATE_STATISTICS.get(s), l.statistic(f));
        assertEquals(30 + layer, l.component(f));
      }
    }
    assertEquals(l.size(), seen.size());
    assertEquals(33, l.componentCount());
  }

  @Test
  void badShapesAreRejectedWithTheirValues() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new FeatureLayout(0, 12));
    assertTrue(e.getMessage().contains("layers=0"), e.getMessage());
    IllegalArgumentException big =
        assertThrows(IllegalArgumentException.class, () -> new FeatureLayout(100_000, 100_000));
    assertTrue(big.getMessage().contains("too large"), big.getMessage());
  }

  @Test
  void predictionArraysMustMatchTheShape() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PredictionStatistics(
                    2,
                    3,
                    10,
                    false,
                    0,
                    java.util.Map.of("entropy", new double[5]),
                    null,
                    java.util.Map.of()));
    assertTrue(e.getMessage().contains("entropy has 5 values; expected 6"), e.getMessage());
  }

  @Test
  void settingsRejectBadValuesByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> VerdictSettings.defaults().withThreshold(1.5));
    assertTrue(e.getMessage().contains("threshold=1.5"), e.getMessage());
    IllegalArgumentException w =
        assertThrows(
            IllegalArgumentException.class,
            () -> VerdictSettings.defaults().withWindow(100, 200, 100));
    assertTrue(w.getMessage().contains("window=100"), w.getMessage());
  }
}
