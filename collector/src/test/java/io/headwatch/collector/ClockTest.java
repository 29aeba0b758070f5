package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time-dependent behaviour follows the collector's clock, not the wall clock: a series disappears
 * once it has not been updated for series-ttl, a prediction once it is older than retention-age.
 * The test moves the clock and runs housekeeping; nothing waits for time to pass.
 */
class ClockTest {
  private static final String PROTO = "application/x-protobuf";
  private static final String SERIES = "clock_test_gauge{instance=\"i-1\",job=\"svc\"}";
  @TempDir Path dir;

  private static byte[] gauge() {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(Fixtures.resource("svc", "i-1"))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(
                            Metric.newBuilder()
                                .setName("clock.test.gauge")
                                .setGauge(
                                    Gauge.newBuilder()
                                        .addDataPoints(
                                            NumberDataPoint.newBuilder().setAsDouble(2.5))))))
        .build()
        .toByteArray();
  }

  @Test
  void seriesExpireAndPredictionsAgeOutByTheCollectorsClock() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    try (TestCollector c =
        TestCollector.start(dir, clock, "series-ttl", "5m", "retention-age", "1h")) {
      String trace = Fixtures.traceId(7);
      assertEquals(
          200,
          c.post(
                  "/v1/logs",
                  PROTO,
                  null,
                  Fixtures.snapshot(
                          trace,
                          Fixtures.spanId(7),
                          "m",
                          1L,
                          1,
                          1,
                          Map.of("entropy", new double[] {0.5}))
                      .toByteArray())
              .statusCode());
      assertEquals(200, c.post("/v1/metrics", PROTO, null, gauge()).statusCode());
      assertEquals(2.5, c.metrics().get(SERIES));

      clock.advance(Duration.ofMinutes(4));
      c.collector.housekeepNow();
      assertTrue(c.metrics().containsKey(SERIES), "4 min < series-ttl 5m");

      clock.advance(Duration.ofMinutes(2));
      c.collector.housekeepNow();
      assertFalse(c.metrics().containsKey(SERIES), "6 min > series-ttl 5m");
      assertEquals(200, c.get("/api/predictions/" + trace).statusCode(), "6 min < 1h");

      clock.advance(Duration.ofMinutes(55));
      c.collector.housekeepNow();
      assertEquals(404, c.get("/api/predictions/" + trace).statusCode(), "61 min > 1h");
      assertEquals(0.0, c.metrics().get("headwatch_collector_store_predictions"));
    }
  }
}
