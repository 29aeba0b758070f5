package io.headwatch.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.InferenceSpan;
import io.headwatch.collector.model.Snapshot;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionStoreTest {
  @TempDir Path dir;

  private static Snapshot snapshot(int n, int batchIndex) {
    Map<String, double[]> attention = new LinkedHashMap<>();
    attention.put("entropy", new double[] {0.25, 0.5});
    return new Snapshot(
        String.format("%032x", n),
        String.format("%016x", n),
        1000L + n,
        "svc",
        "i",
        "m",
        "embeddings",
        3L,
        batchIndex,
        1,
        2,
        attention,
        Map.of(),
        "hidden_state",
        null,
        null,
        Attributes.of(Map.of("headwatch.output.confidence", 0.875)));
  }

  @Test
  void retentionDeletesByAgeThenOldestUntilUnderTheByteBound() throws Exception {
    try (PredictionStore store = PredictionStore.open(dir)) {
      for (int i = 0; i < 10; i++) {
        store.saveSnapshot(snapshot(i, 0), List.of(), i < 3 ? 1_000 : 100_000);
      }
      long perPrediction = store.totalBytes() / 10;
      assertEquals(10, store.predictionCount());
      // age: the three received at t=1000 are older than 50 s at t=100 000 + 50 000
      assertEquals(3, store.enforceRetention(150_000, 50_000, Long.MAX_VALUE));
      assertEquals(7, store.predictionCount());
      // bytes: keep at most 4 predictions' worth -> the 3 oldest of the 7 go
      assertEquals(3, store.enforceRetention(150_000, 50_000, 4 * perPrediction));
      assertEquals(4 * perPrediction, store.totalBytes());
      List<PredictionSummary> left =
          store.find(new PredictionQuery(null, null, null, null, PredictionQuery.Order.TIME, 100));
      assertEquals(String.format("%032x", 9), left.get(0).traceId());
      assertEquals(String.format("%032x", 6), left.get(3).traceId());
    }
    try (PredictionStore reopened = PredictionStore.open(dir)) {
      assertEquals(4, reopened.predictionCount());
    }
  }

  @Test
  void spanAndSnapshotsMeetInEitherOrderAndKeepTheTopHeads() throws Exception {
    try (PredictionStore store = PredictionStore.open(dir)) {
      Snapshot first = snapshot(1, 0);
      store.saveSnapshot(first, List.of(new HeadDeviation(0, 1, "entropy", 0.5, 0.2, 0.1, 2.0)), 1);
      store.saveSpans(
          List.of(
              new InferenceSpan(
                  first.traceId(),
                  first.spanId(),
                  "embeddings m",
                  900L,
                  5_000L,
                  "svc",
                  "i",
                  "m",
                  "embeddings",
                  3L,
                  true,
                  2L,
                  "error",
                  Attributes.of(Map.of("error.type", "OrtException")))),
          1);
      store.saveSnapshot(
          snapshot(1, 1), List.of(new HeadDeviation(0, 0, "sink_mass", 0.9, 0.2, 0.1, 4.0)), 1);
      PredictionDetail d = store.byTraceId(first.traceId()).orElseThrow();
      assertEquals(1, store.predictionCount());
      assertEquals(2, d.snapshots().size());
      assertTrue(d.summary().hasSpan());
      assertEquals(900L, d.summary().timeNanos());
      assertEquals(5_000L, d.summary().durationNanos());
      assertEquals(4.0, d.summary().maxDeviation());
      assertEquals("error", d.summary().status());
      assertEquals("OrtException", d.summary().attributes().get("error.type"));
      assertEquals(0.875, d.snapshots().get(0).attributes().get("headwatch.output.confidence"));
      assertEquals(2, d.summary().topDeviations().size());
      assertEquals("sink_mass", d.summary().topDeviations().get(0).statistic());
    }
  }
}
