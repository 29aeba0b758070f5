package io.headwatch.collector.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.InferenceSpan;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.PredictionQuery;
import io.headwatch.collector.store.PredictionSummary;
import io.headwatch.collector.store.StoreException;
import io.headwatch.collector.store.WriteBatch;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
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
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      for (int i = 0; i < 10; i++) {
        write(store, snapshot(i, 0), List.of(), i < 3 ? 1_000 : 100_000);
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
    try (SqliteStore reopened = SqliteStore.open(dir, true)) {
      assertEquals(4, reopened.predictionCount());
    }
  }

  @Test
  void spanAndSnapshotsMeetInEitherOrderAndKeepTheTopHeads() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      Snapshot first = snapshot(1, 0);
      write(store, first, List.of(new HeadDeviation(0, 1, "entropy", 0.5, 0.2, 0.1, 2.0)), 1);
      store.write(
          new WriteBatch()
              .add(
                  new WriteBatch.SpanWrite(
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
                          Attributes.of(Map.of("error.type", "OrtException"))),
                      1)));
      write(
          store,
          snapshot(1, 1),
          List.of(new HeadDeviation(0, 0, "sink_mass", 0.9, 0.2, 0.1, 4.0)),
          1);
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

  private static io.headwatch.collector.verdict.Verdict verdict(boolean anomalous, double score) {
    return new io.headwatch.collector.verdict.Verdict(
        io.headwatch.collector.verdict.Status.SCORED,
        anomalous,
        anomalous
            ? io.headwatch.collector.verdict.Kind.MODEL
            : io.headwatch.collector.verdict.Kind.NONE,
        Math.pow(10, -score),
        score,
        0.001,
        500,
        List.of(
            new io.headwatch.collector.verdict.Suspect(
                1,
                2,
                io.headwatch.collector.verdict.Site.ATTENTION,
                "entropy",
                0.9,
                0.4,
                12.5,
                score)),
        null);
  }

  @Test
  void aPredictionKeepsTheGravestVerdictOfItsSnapshotsAndItsBytesAreCharged() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      Snapshot a = snapshot(7, 0);
      store.write(new WriteBatch().add(new WriteBatch.SnapshotWrite(a, List.of(), null, 1)));
      long before = store.totalBytes();
      store.write(
          new WriteBatch()
              .add(
                  new WriteBatch.SnapshotWrite(snapshot(7, 1), List.of(), verdict(false, 1.5), 1)));
      assertTrue(store.totalBytes() > before, "the verdict's bytes are charged");
      store.write(
          new WriteBatch()
              .add(new WriteBatch.SnapshotWrite(snapshot(7, 2), List.of(), verdict(true, 4.0), 1)));
      // A normal verdict with a higher score does not replace an anomalous one.
      store.write(
          new WriteBatch()
              .add(
                  new WriteBatch.SnapshotWrite(snapshot(7, 3), List.of(), verdict(false, 9.0), 1)));
      io.headwatch.collector.verdict.Verdict v =
          store.byTraceId(a.traceId()).orElseThrow().summary().verdict();
      assertTrue(v.anomalous());
      assertEquals(4.0, v.score());
      assertEquals(12.5, v.suspects().get(0).deviation());
      assertEquals(
          1,
          store
              .find(
                  new PredictionQuery(
                      null, null, null, null, true, PredictionQuery.Order.SCORE, 10))
              .size());
      assertEquals(
          0,
          store
              .find(
                  new PredictionQuery(
                      null, null, null, null, false, PredictionQuery.Order.SCORE, 10))
              .size());
    }
  }

  private static void write(
      SqliteStore store, Snapshot s, List<HeadDeviation> deviations, long receivedMillis)
      throws StoreException {
    store.write(new WriteBatch().add(new WriteBatch.SnapshotWrite(s, deviations, receivedMillis)));
  }

  @Test
  void aBatchIsOneTransactionAndAFailedOneLeavesNothing() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      Snapshot ok = snapshot(1, 0);
      // The same (span, batch index) twice in one batch is a replacement, not an error.
      store.write(
          new WriteBatch()
              .add(new WriteBatch.SnapshotWrite(ok, List.of(), 1))
              .add(new WriteBatch.SnapshotWrite(snapshot(2, 0), List.of(), 1)));
      assertEquals(2, store.predictionCount());
      // A snapshot without a model violates NOT NULL: the whole batch is refused.
      Snapshot bad =
          new Snapshot(
              String.format("%032x", 3),
              String.format("%016x", 3),
              1L,
              null,
              null,
              null,
              null,
              null,
              0,
              1,
              2,
              Map.of(),
              Map.of(),
              null,
              null,
              null,
              Attributes.empty());
      WriteBatch mixed =
          new WriteBatch()
              .add(new WriteBatch.SnapshotWrite(snapshot(4, 0), List.of(), 1))
              .add(new WriteBatch.SnapshotWrite(bad, List.of(), 1));
      assertThrows(StoreException.class, () -> store.write(mixed));
      assertFalse(store.healthy(), "a failed write marks the store unhealthy");
      assertEquals(2, store.predictionCount());
      assertTrue(store.byTraceId(String.format("%032x", 4)).isEmpty(), "rolled back");
      store.write(new WriteBatch().add(new WriteBatch.SnapshotWrite(snapshot(5, 0), List.of(), 1)));
      assertTrue(store.healthy(), "healthy again after a successful write");
      assertEquals("ok", store.integrityCheck());
    }
  }

  @Test
  void walModeIncrementalVacuumAndSchemaVersion() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      write(store, snapshot(1, 0), List.of(), 1);
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE));
        Statement st = c.createStatement()) {
      assertEquals("wal", one(st, "PRAGMA journal_mode"));
      assertEquals("2", one(st, "PRAGMA auto_vacuum"), "2 = incremental");
      assertEquals(String.valueOf(StoreSchema.version()), one(st, "PRAGMA user_version"));
      // A store written by a newer collector is refused with a clear message.
      st.execute("PRAGMA user_version = 99");
    }
    StoreException e = assertThrows(StoreException.class, () -> SqliteStore.open(dir, true));
    assertTrue(e.getMessage().contains("newer collector (schema 99"), e.getMessage());
  }

  private static String one(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
