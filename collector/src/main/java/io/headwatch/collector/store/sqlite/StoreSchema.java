package io.headwatch.collector.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables (documented in docs/collector.md) as numbered migrations. The database keeps
 * the number applied in {@code PRAGMA user_version}; opening applies the missing ones, each in one
 * transaction. A later feature adds a migration at the end and never edits an applied one.
 */
final class StoreSchema {
  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              """
            CREATE TABLE prediction (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              trace_id TEXT NOT NULL,
              span_id TEXT NOT NULL,
              time_nanos INTEGER NOT NULL,
              service TEXT,
              instance TEXT,
              model TEXT,
              operation TEXT,
              name TEXT,
              input_tokens INTEGER,
              duration_nanos INTEGER,
              batch_size INTEGER,
              sampled INTEGER,
              status TEXT,
              attributes TEXT,
              layers INTEGER,
              heads INTEGER,
              has_span INTEGER NOT NULL,
              snapshots INTEGER NOT NULL,
              max_z REAL,
              deviations TEXT,
              bytes INTEGER NOT NULL,
              received_millis INTEGER NOT NULL,
              UNIQUE (trace_id, span_id))""",
              "CREATE INDEX prediction_time ON prediction(time_nanos)",
              "CREATE INDEX prediction_model_time ON prediction(model, time_nanos)",
              "CREATE INDEX prediction_max_z ON prediction(max_z)",
              "CREATE INDEX prediction_received ON prediction(received_millis)",
              """
            CREATE TABLE snapshot (
              prediction_id INTEGER NOT NULL REFERENCES prediction(id) ON DELETE CASCADE,
              batch_index INTEGER NOT NULL,
              time_nanos INTEGER NOT NULL,
              model TEXT NOT NULL,
              input_tokens INTEGER,
              layers INTEGER NOT NULL,
              heads INTEGER NOT NULL,
              statistics TEXT NOT NULL,
              deviations TEXT NOT NULL,
              attention_maps BLOB,
              attention_maps_kind TEXT,
              tokens TEXT,
              attributes TEXT NOT NULL,
              PRIMARY KEY (prediction_id, batch_index))"""),
          // 2: verdicts (issue 12). The prediction keeps the gravest verdict of its snapshots:
          // as JSON for the API, and anomalous/score as columns to filter and sort on.
          List.of(
              "ALTER TABLE prediction ADD COLUMN verdict TEXT",
              "ALTER TABLE prediction ADD COLUMN anomalous INTEGER",
              "ALTER TABLE prediction ADD COLUMN verdict_score REAL",
              "CREATE INDEX prediction_verdict_score ON prediction(verdict_score)",
              "CREATE INDEX prediction_anomalous_time ON prediction(anomalous, time_nanos)"),
          // 3: attention maps, one row per (prediction, batch index), deleted with the prediction.
          List.of(
              """
            CREATE TABLE attention_map (
              prediction_id INTEGER NOT NULL REFERENCES prediction(id) ON DELETE CASCADE,
              batch_index INTEGER NOT NULL,
              time_nanos INTEGER NOT NULL,
              layers INTEGER NOT NULL,
              heads INTEGER NOT NULL,
              tokens INTEGER NOT NULL,
              encoding TEXT NOT NULL,
              top_k INTEGER NOT NULL,
              reason TEXT,
              token_texts TEXT,
              body BLOB NOT NULL,
              bytes INTEGER NOT NULL,
              received_millis INTEGER NOT NULL,
              PRIMARY KEY (prediction_id, batch_index))""",
              "CREATE INDEX attention_map_received ON attention_map(received_millis)"),
          // 4: feedback (issue 15): one wrong/right label per prediction, replaced by a later one,
          // deleted with the prediction; its bytes are charged to the prediction.
          List.of(
              """
            CREATE TABLE feedback (
              prediction_id INTEGER PRIMARY KEY REFERENCES prediction(id) ON DELETE CASCADE,
              label TEXT NOT NULL,
              note TEXT,
              by_whom TEXT,
              source TEXT NOT NULL,
              feedback_millis INTEGER NOT NULL,
              feedback_bytes INTEGER NOT NULL)""",
              "CREATE INDEX feedback_label_time ON feedback(label, feedback_millis)"));

  private StoreSchema() {}

  /** The schema version this code writes. */
  static int version() {
    return MIGRATIONS.size();
  }

  /** The number of migrations the database has (0 for a new file). */
  static int applied(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Applies the migrations the database lacks; refuses a database newer than this code. */
  static void migrate(Connection c) throws SQLException {
    int have = applied(c);
    if (have > version()) {
      throw new SQLException(
          "the store was written by a newer collector (schema "
              + have
              + ", this one knows "
              + version()
              + "); use that version or a fresh --data-dir");
    }
    for (int v = have; v < version(); v++) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        for (String ddl : MIGRATIONS.get(v)) {
          st.execute(ddl);
        }
        st.execute("PRAGMA user_version = " + (v + 1));
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
  }
}
