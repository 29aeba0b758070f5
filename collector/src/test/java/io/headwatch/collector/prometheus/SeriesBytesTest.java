package io.headwatch.collector.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.prometheus.PrometheusNames.Kind;
import io.prometheus.client.CollectorRegistry;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Series are bounded by the memory their labels take, not only by their number. */
class SeriesBytesTest {
  private static SortedMap<String, String> labels(int i, int valueLength) {
    SortedMap<String, String> l = new TreeMap<>();
    l.put("id", Integer.toString(i));
    l.put("text", "x".repeat(valueLength));
    return l;
  }

  @Test
  void newSeriesBeyondTheByteBoundAreDroppedAndExpiryGivesTheBytesBack() {
    CollectorRegistry registry = new CollectorRegistry();
    SelfMetrics self = new SelfMetrics(registry);
    long oneSeries = SeriesRegistry.cost("g", labels(0, 1000), 0);
    AtomicLong clock = new AtomicLong();
    SeriesRegistry r = new SeriesRegistry(1_000_000, 3 * oneSeries, 1_000, clock::get, self);
    for (int i = 0; i < 3; i++) {
      assertNotNull(r.series("g", Kind.GAUGE, "h", labels(i, 1000), 0));
    }
    assertNull(r.series("g", Kind.GAUGE, "h", labels(3, 1000), 0), "a fourth does not fit");
    assertEquals(3, r.seriesCount());
    assertTrue(r.bytes() <= 3 * oneSeries);
    assertEquals(
        1.0,
        registry.getSampleValue(
            "headwatch_collector_dropped_total",
            new String[] {"reason"},
            new String[] {"series_limit"}));
    clock.set(5_000);
    r.expire();
    assertEquals(0, r.bytes());
    assertNotNull(r.series("g", Kind.GAUGE, "h", labels(3, 1000), 0), "room again after expiry");
  }
}
