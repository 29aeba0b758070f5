package io.headwatch.collector.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.store.FeedbackOutcome;
import io.headwatch.collector.store.LabelledSnapshot;
import io.headwatch.collector.store.PredictionQuery;
import io.headwatch.collector.store.WriteBatch;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feedback rows: upserted, charged to their prediction, deleted with it, kept over a reopen. */
class FeedbackStoreTest {
  @TempDir Path dir;

  private static Snapshot snapshot(int n, int batchIndex) {
    return new Snapshot(
        String.format("%032x", n),
        String.format("%016x", n + batchIndex * 1000),
        1000L + n,
        "svc",
        "i",
        "m",
        "embeddings",
        5L + batchIndex,
        batchIndex,
        1,
        2,
        Map.of("entropy", new double[] {0.25 + n, 0.5}),
        Map.of(),
        "hidden_state",
        null,
        null,
        Attributes.of(Map.of()));
  }

  private static WriteBatch.FeedbackWrite label(int n, Feedback.Label l, String note) {
    return new WriteBatch.FeedbackWrite(
        String.format("%032x", n), null, new Feedback(l, note, "ana", "api", 5_000L + n));
  }

  @Test
  void upsertChargesBytesAndRetentionDeletesTheLabelWithItsPrediction() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      store.write(
          new WriteBatch()
              .add(new WriteBatch.SnapshotWrite(snapshot(1, 0), List.of(), 1_000))
              .add(new WriteBatch.SnapshotWrite(snapshot(2, 0), List.of(), 2_000)));
      long before = store.totalBytes();
      List<FeedbackOutcome> out =
          store.write(
              new WriteBatch()
                  .add(label(1, Feedback.Label.WRONG, "12345"))
                  .add(label(99, Feedback.Label.RIGHT, null)));
      assertEquals(2, out.size());
      assertTrue(out.get(0).applied());
      assertEquals("m", out.get(0).model());
      assertFalse(out.get(1).applied(), "an unknown trace labels nothing");
      // 64 bytes of overhead + the note (5) + by ("ana", 3).
      assertEquals(before + 64 + 5 + 3, store.totalBytes());

      // Again, with another label and no note: replaced, and re-charged.
      store.write(new WriteBatch().add(label(1, Feedback.Label.RIGHT, null)));
      assertEquals(before + 64 + 3, store.totalBytes());
      Feedback f = store.byTraceId(String.format("%032x", 1)).orElseThrow().summary().feedback();
      assertEquals(Feedback.Label.RIGHT, f.label());
      assertNull(f.note());
      assertEquals("ana", f.by());
      assertEquals(1, rows(dir, "SELECT COUNT(*) FROM feedback"));

      assertEquals(
          1,
          store
              .find(
                  new PredictionQuery(
                      null,
                      null,
                      null,
                      null,
                      null,
                      PredictionQuery.FeedbackFilter.RIGHT,
                      PredictionQuery.Order.TIME,
                      10))
              .size());
      assertEquals(
          1,
          store
              .find(
                  new PredictionQuery(
                      null,
                      null,
                      null,
                      null,
                      null,
                      PredictionQuery.FeedbackFilter.NONE,
                      PredictionQuery.Order.TIME,
                      10))
              .size());

      // Retention deletes the oldest prediction (received at 1,000) with its label.
      store.enforceRetention(3_000, 1_500, Long.MAX_VALUE);
      assertEquals(0, rows(dir, "SELECT COUNT(*) FROM feedback"));
      assertEquals(1, store.predictionCount());
    }
  }

  @Test
  void aTraceLabelCoversEveryPredictionOfTheTraceAndTheComparisonReadsTheirSnapshots()
      throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      // Two predictions in trace 7 (two span ids), one in trace 8.
      store.write(
          new WriteBatch()
              .add(new WriteBatch.SnapshotWrite(snapshot(7, 0), List.of(), 1_000))
              .add(new WriteBatch.SnapshotWrite(snapshot(7, 1), List.of(), 1_000))
              .add(new WriteBatch.SnapshotWrite(snapshot(8, 0), List.of(), 1_000)));
      List<FeedbackOutcome> out =
          store.write(
              new WriteBatch()
                  .add(label(7, Feedback.Label.WRONG, null))
                  .add(label(8, Feedback.Label.RIGHT, null)));
      assertEquals(2, out.get(0).predictionIds().size());
      List<LabelledSnapshot> s = store.labelledSnapshots("m", 10);
      assertEquals(3, s.size());
      assertEquals(2, s.stream().filter(x -> x.label() == Feedback.Label.WRONG).count());
      assertEquals(
          0.25 + 8,
          s.stream()
              .filter(x -> x.label() == Feedback.Label.RIGHT)
              .findFirst()
              .orElseThrow()
              .statistics()
              .attention()
              .get("entropy")[0]);
      // The limit counts labelled predictions, most recently labelled first (trace 8's, at 5,008).
      List<LabelledSnapshot> one = store.labelledSnapshots("m", 1);
      assertEquals(1, one.size());
      assertEquals(Feedback.Label.RIGHT, one.get(0).label());
      assertEquals(0, store.labelledSnapshots("other", 10).size());
    }
    // Kept over a reopen.
    try (SqliteStore store = SqliteStore.open(dir, true)) {
      assertEquals(3, store.labelledSnapshots("m", 10).size());
    }
  }

  private static long rows(Path dir, String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
