package io.headwatch.collector.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.InferenceSpan;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.store.AttentionMapInfo;
import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attention maps in the store: kept with their prediction whichever arrives first, charged to it,
 * replaced by a repeat, capped by attention-maps-bytes (oldest first, predictions kept), and
 * deleted with their prediction by retention.
 */
class AttentionMapStoreTest {
  @TempDir Path dir;

  private static String trace(int n) {
    return String.format("%032x", n + 1);
  }

  private static String span(int n) {
    return String.format("%016x", n + 1);
  }

  /** A 1 x 2 map of 3 tokens, every byte {@code fill}. */
  private static AttentionMap map(int n, int batchIndex, int fill, List<String> texts) {
    byte[] body = new byte[1 * 2 * 3 * 3];
    java.util.Arrays.fill(body, (byte) fill);
    return new AttentionMap(
        trace(n),
        span(n),
        5000L + n,
        "m",
        batchIndex,
        1,
        2,
        3,
        AttentionMap.Encoding.U8,
        0,
        "random",
        texts,
        body);
  }

  private static Snapshot snapshot(int n) {
    return new Snapshot(
        trace(n),
        span(n),
        1000L + n,
        "svc",
        "i",
        "m",
        "embeddings",
        3L,
        0,
        1,
        2,
        Map.of("entropy", new double[] {0.25, 0.5}),
        Map.of(),
        "hidden_state",
        null,
        List.of("[CLS]", "hi", "[SEP]"),
        Attributes.of(Map.of()));
  }

  private static InferenceSpan span(int n, String name) {
    return new InferenceSpan(
        trace(n),
        span(n),
        name,
        900L + n,
        10L,
        "svc",
        "i",
        "m",
        "embeddings",
        3L,
        true,
        1L,
        "unset",
        Attributes.of(Map.of()));
  }

  private static void write(SqliteStore store, WriteBatch.Write w) throws Exception {
    store.write(new WriteBatch().add(w));
  }

  @Test
  void aMapThatArrivesFirstCreatesItsPredictionWhichTheSpanAndSnapshotComplete() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      write(store, new WriteBatch.AttentionMapWrite(map(0, 0, 51, List.of("a", "b", "c")), 7));
      assertEquals(1, store.predictionCount());
      long withMap = store.totalBytes();
      assertEquals(
          PredictionWriter.ROW_OVERHEAD_BYTES + 18 + "[\"a\",\"b\",\"c\"]".length(), withMap);
      write(store, new WriteBatch.SnapshotWrite(snapshot(0), List.of(), 8));
      write(store, new WriteBatch.SpanWrite(span(0, "embeddings m"), 9));
      assertEquals(1, store.predictionCount());

      PredictionDetail d = store.byTraceId(trace(0)).orElseThrow();
      assertTrue(d.summary().hasSpan());
      assertEquals(1, d.snapshots().size());
      assertEquals(
          List.of(new AttentionMapInfo(0, 3, "u8", 0, "random", 18 + 13)), d.attentionMaps());
      AttentionMap m = store.attentionMap(d.summary().id(), 0).orElseThrow();
      assertEquals(List.of("a", "b", "c"), m.tokenTexts());
      assertEquals(trace(0), m.traceId());
      assertEquals("m", m.model());
      float[][] w = m.head(0, 1);
      assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f}, w[2]);
      assertTrue(store.attentionMap(d.summary().id(), 1).isEmpty());
      assertEquals(18 + 13, store.attentionMapBytes());
    }
  }

  @Test
  void aRepeatedMapReplacesTheFirstAndIsChargedOnce() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      write(store, new WriteBatch.SnapshotWrite(snapshot(0), List.of(), 1));
      long before = store.totalBytes();
      write(store, new WriteBatch.AttentionMapWrite(map(0, 0, 1, null), 2));
      write(store, new WriteBatch.AttentionMapWrite(map(0, 0, 255, null), 3));
      assertEquals(before + 18, store.totalBytes());
      PredictionDetail d = store.byTraceId(trace(0)).orElseThrow();
      assertEquals(1f, store.attentionMap(d.summary().id(), 0).orElseThrow().head(0, 0)[0][0]);
    }
  }

  @Test
  void theMapByteBoundDeletesTheOldestMapsAndKeepsTheirPredictions() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      for (int n = 0; n < 5; n++) {
        write(store, new WriteBatch.SnapshotWrite(snapshot(n), List.of(), n));
        write(store, new WriteBatch.AttentionMapWrite(map(n, 0, n, null), 100 + n));
      }
      long total = store.totalBytes();
      assertEquals(5 * 18, store.attentionMapBytes());
      // Room for two maps: the three that arrived first go.
      assertEquals(3, store.enforceAttentionMapBytes(2 * 18 + 17));
      assertEquals(2 * 18, store.attentionMapBytes());
      assertEquals(total - 3 * 18, store.totalBytes());
      assertEquals(5, store.predictionCount());
      for (int n = 0; n < 5; n++) {
        PredictionDetail d = store.byTraceId(trace(n)).orElseThrow();
        assertEquals(n >= 3, store.attentionMap(d.summary().id(), 0).isPresent(), "map " + n);
        assertEquals(n >= 3 ? 1 : 0, d.attentionMaps().size());
      }
      assertEquals(0, store.enforceAttentionMapBytes(1 << 20));
    }
  }

  @Test
  void retentionDeletesAPredictionWithItsMap() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      write(store, new WriteBatch.AttentionMapWrite(map(0, 0, 9, null), 1_000));
      write(store, new WriteBatch.AttentionMapWrite(map(1, 0, 9, null), 10_000));
      assertEquals(1, store.enforceRetention(10_000, 5_000, Long.MAX_VALUE));
      assertEquals(18, store.attentionMapBytes());
      assertEquals(PredictionWriter.ROW_OVERHEAD_BYTES + 18, store.totalBytes());
      assertFalse(store.byTraceId(trace(0)).isPresent());
    }
  }

  @Test
  void theMapsSurviveAReopen() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      write(store, new WriteBatch.AttentionMapWrite(map(0, 2, 200, null), 1));
    }
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      PredictionDetail d = store.byTraceId(trace(0)).orElseThrow();
      assertEquals(
          200 / 255f, store.attentionMap(d.summary().id(), 2).orElseThrow().head(0, 0)[1][1]);
      assertEquals(store.totalBytes(), PredictionWriter.ROW_OVERHEAD_BYTES + 18);
    }
  }
}
