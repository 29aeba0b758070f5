package io.headwatch.collector.store.sqlite;

import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.InferenceSpan;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.model.TopHeads;
import io.headwatch.collector.store.FeedbackOutcome;
import io.headwatch.collector.store.WriteBatch;
import io.headwatch.collector.verdict.Verdict;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes spans, snapshots and attention maps into predictions keyed by (trace id, span id), inside
 * the caller's transaction, so that they meet in whichever order they arrive.
 */
final class PredictionWriter {
  /** Bytes a prediction row is charged for beyond its variable-size payloads. */
  static final long ROW_OVERHEAD_BYTES = 256;

  /** Bytes a feedback label is charged for beyond its note and author. */
  static final long FEEDBACK_OVERHEAD_BYTES = 64;

  /**
   * What a batch changed: predictions created, bytes charged (negative when replaced), and what its
   * feedback writes did.
   */
  record Delta(long predictions, long bytes, List<FeedbackOutcome> feedback) {
    Delta(long predictions, long bytes) {
      this(predictions, bytes, List.of());
    }
  }

  private PredictionWriter() {}

  /** Applies every write of the batch on {@code c}; the caller commits or rolls back. */
  static Delta write(Connection c, WriteBatch batch) throws SQLException {
    long predictions = 0;
    long bytes = 0;
    List<FeedbackOutcome> feedback = new ArrayList<>();
    for (WriteBatch.Write w : batch.writes()) {
      if (w instanceof WriteBatch.SpanWrite sw) {
        if (saveSpan(c, sw.span(), sw.receivedMillis())) {
          predictions++;
          bytes += ROW_OVERHEAD_BYTES;
        }
      } else if (w instanceof WriteBatch.SnapshotWrite snap) {
        Delta d =
            saveSnapshot(
                c, snap.snapshot(), snap.deviations(), snap.verdict(), snap.receivedMillis());
        predictions += d.predictions();
        bytes += d.bytes();
      } else if (w instanceof WriteBatch.AttentionMapWrite map) {
        Delta d = saveMap(c, map.map(), map.receivedMillis());
        predictions += d.predictions();
        bytes += d.bytes();
      } else if (w instanceof WriteBatch.FeedbackWrite fw) {
        long[] charged = new long[1];
        feedback.add(saveFeedback(c, fw, charged));
        bytes += charged[0];
      }
    }
    return new Delta(predictions, bytes, feedback);
  }

  /**
   * Labels every prediction of the write's trace (or its one prediction id), replacing an earlier
   * label; adds the change of charged bytes to {@code charged[0]}.
   */
  private static FeedbackOutcome saveFeedback(
      Connection c, WriteBatch.FeedbackWrite w, long[] charged) throws SQLException {
    List<Long> ids = new ArrayList<>();
    String model = null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, model FROM prediction WHERE "
                + (w.traceId() != null ? "trace_id = ?" : "id = ?")
                + " ORDER BY id")) {
      ps.setObject(1, w.traceId() != null ? w.traceId() : w.predictionId());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
          if (model == null) {
            model = rs.getString(2);
          }
        }
      }
    }
    Feedback f = w.feedback();
    long bytes = FEEDBACK_OVERHEAD_BYTES + utf8(f.note()) + utf8(f.by());
    for (long id : ids) {
      long old = 0;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT feedback_bytes FROM feedback WHERE prediction_id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            old = rs.getLong(1);
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO feedback (prediction_id, label, note, by_whom, source, feedback_millis,"
                  + " feedback_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)"
                  + " ON CONFLICT (prediction_id) DO UPDATE SET label = excluded.label,"
                  + " note = excluded.note, by_whom = excluded.by_whom, source = excluded.source,"
                  + " feedback_millis = excluded.feedback_millis,"
                  + " feedback_bytes = excluded.feedback_bytes")) {
        ps.setLong(1, id);
        ps.setString(2, f.label().apiName());
        ps.setString(3, f.note());
        ps.setString(4, f.by());
        ps.setString(5, f.source());
        ps.setLong(6, f.receivedMillis());
        ps.setLong(7, bytes);
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE prediction SET bytes = bytes + ? WHERE id = ?")) {
        ps.setLong(1, bytes - old);
        ps.setLong(2, id);
        ps.executeUpdate();
      }
      charged[0] += bytes - old;
    }
    return new FeedbackOutcome(w, List.copyOf(ids), model);
  }

  private static long utf8(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** True if the span created its prediction (rather than completing one a snapshot began). */
  private static boolean saveSpan(Connection c, InferenceSpan s, long receivedMillis)
      throws SQLException {
    Long id = findId(c, s.traceId(), s.spanId());
    if (id == null) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO prediction (trace_id, span_id, time_nanos, service, instance, model,"
                  + " operation, name, input_tokens, duration_nanos, batch_size, sampled, status,"
                  + " attributes, has_span, snapshots, bytes, received_millis)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?)")) {
        ps.setString(1, s.traceId());
        ps.setString(2, s.spanId());
        ps.setLong(3, s.startNanos());
        ps.setString(4, s.service());
        ps.setString(5, s.instance());
        ps.setString(6, s.model());
        ps.setString(7, s.operation());
        ps.setString(8, s.name());
        Jdbc.setLong(ps, 9, s.inputTokens());
        ps.setLong(10, s.durationNanos());
        Jdbc.setLong(ps, 11, s.batchSize());
        Jdbc.setBoolean(ps, 12, s.sampled());
        ps.setString(13, s.status());
        ps.setString(14, StoredPayloads.attributes(s.attributes()));
        ps.setLong(15, ROW_OVERHEAD_BYTES);
        ps.setLong(16, receivedMillis);
        ps.executeUpdate();
      }
      return true;
    }
    // The snapshot came first: the span supplies its own time, duration and name.
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE prediction SET time_nanos = ?, service = COALESCE(?, service),"
                + " instance = COALESCE(?, instance), model = ?, operation = COALESCE(?, operation),"
                + " name = ?, input_tokens = COALESCE(?, input_tokens), duration_nanos = ?,"
                + " batch_size = ?, sampled = ?, status = ?, attributes = ?, has_span = 1"
                + " WHERE id = ?")) {
      ps.setLong(1, s.startNanos());
      ps.setString(2, s.service());
      ps.setString(3, s.instance());
      ps.setString(4, s.model());
      ps.setString(5, s.operation());
      ps.setString(6, s.name());
      Jdbc.setLong(ps, 7, s.inputTokens());
      ps.setLong(8, s.durationNanos());
      Jdbc.setLong(ps, 9, s.batchSize());
      Jdbc.setBoolean(ps, 10, s.sampled());
      ps.setString(11, s.status());
      ps.setString(12, StoredPayloads.attributes(s.attributes()));
      ps.setLong(13, id);
      ps.executeUpdate();
    }
    return false;
  }

  /** Records one snapshot with its top deviations; a repeated (span, batch index) replaces it. */
  private static Delta saveSnapshot(
      Connection c,
      Snapshot s,
      List<HeadDeviation> deviations,
      Verdict verdict,
      long receivedMillis)
      throws SQLException {
    String statsText = StoredPayloads.statistics(s);
    String devsText = StoredPayloads.deviations(deviations);
    byte[] maps = StoredPayloads.mapsBytes(s.attentionMaps());
    String tokens = s.tokens() == null ? null : StoredPayloads.tokens(s.tokens());
    String attributes = StoredPayloads.attributes(s.attributes());
    long bytes =
        statsText.length()
            + devsText.length()
            + (maps == null ? 0 : maps.length)
            + (tokens == null ? 0 : tokens.length())
            + attributes.length();
    double maxZ = deviations.isEmpty() ? Double.NaN : deviations.get(0).z();

    Long id = findId(c, s.traceId(), s.spanId());
    boolean created = id == null;
    if (created) {
      id = insertFromSnapshot(c, s, receivedMillis);
    }
    long replaced = deleteSnapshot(c, id, s.batchIndex());
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO snapshot (prediction_id, batch_index, time_nanos, model, input_tokens,"
                + " layers, heads, statistics, deviations, attention_maps, attention_maps_kind,"
                + " tokens, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setInt(2, s.batchIndex());
      ps.setLong(3, s.timeNanos());
      ps.setString(4, s.model());
      Jdbc.setLong(ps, 5, s.inputTokens());
      ps.setInt(6, s.layers());
      ps.setInt(7, s.heads());
      ps.setString(8, statsText);
      ps.setString(9, devsText);
      ps.setBytes(10, maps);
      ps.setString(
          11,
          s.attentionMaps() == null
              ? null
              : s.attentionMaps().bytes() != null ? "bytes" : "doubles");
      ps.setString(12, tokens);
      ps.setString(13, attributes);
      ps.executeUpdate();
    }
    updateAfterSnapshot(c, id, s, deviations, maxZ, bytes - replaced);
    long verdictBytes = verdict == null ? 0 : keepGravestVerdict(c, id, verdict);
    return new Delta(
        created ? 1 : 0, bytes - replaced + verdictBytes + (created ? ROW_OVERHEAD_BYTES : 0));
  }

  /**
   * Keeps {@code verdict} on the prediction if it is graver than the one there (anomalous before
   * normal, then the higher score); returns the bytes this changes, charged to the prediction.
   */
  private static long keepGravestVerdict(Connection c, long id, Verdict verdict)
      throws SQLException {
    Integer oldAnomalous;
    double oldScore;
    long oldBytes;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT anomalous, verdict_score, COALESCE(LENGTH(verdict), 0) FROM prediction"
                + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        oldAnomalous = Jdbc.getInt(rs, 1);
        double score = rs.getDouble(2);
        oldScore = rs.wasNull() ? Double.NEGATIVE_INFINITY : score;
        oldBytes = rs.getLong(3);
      }
    }
    if (oldAnomalous != null) {
      boolean wasAnomalous = oldAnomalous != 0;
      double newScore = Double.isNaN(verdict.score()) ? Double.NEGATIVE_INFINITY : verdict.score();
      boolean graver =
          verdict.anomalous() != wasAnomalous ? verdict.anomalous() : newScore > oldScore;
      if (!graver) {
        return 0;
      }
    }
    String text = StoredPayloads.verdict(verdict);
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE prediction SET verdict = ?, anomalous = ?, verdict_score = ?,"
                + " bytes = bytes + ? WHERE id = ?")) {
      ps.setString(1, text);
      ps.setInt(2, verdict.anomalous() ? 1 : 0);
      if (Double.isNaN(verdict.score())) {
        ps.setNull(3, Types.DOUBLE);
      } else {
        ps.setDouble(3, verdict.score());
      }
      ps.setLong(4, text.length() - oldBytes);
      ps.setLong(5, id);
      ps.executeUpdate();
    }
    return text.length() - oldBytes;
  }

  private static long insertFromSnapshot(Connection c, Snapshot s, long receivedMillis)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO prediction (trace_id, span_id, time_nanos, service, instance, model, operation,"
                + " input_tokens, has_span, snapshots, bytes, received_millis)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, s.traceId());
      ps.setString(2, s.spanId());
      ps.setLong(3, s.timeNanos());
      ps.setString(4, s.service());
      ps.setString(5, s.instance());
      ps.setString(6, s.model());
      ps.setString(7, s.operation());
      Jdbc.setLong(ps, 8, s.inputTokens());
      ps.setLong(9, ROW_OVERHEAD_BYTES);
      ps.setLong(10, receivedMillis);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private static long deleteSnapshot(Connection c, long id, int batchIndex) throws SQLException {
    long bytes = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT LENGTH(statistics) + LENGTH(deviations) + COALESCE(LENGTH(attention_maps), 0)"
                + " + COALESCE(LENGTH(tokens), 0) + LENGTH(attributes)"
                + " FROM snapshot WHERE prediction_id = ? AND batch_index = ?")) {
      ps.setLong(1, id);
      ps.setInt(2, batchIndex);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return 0;
        }
        bytes = rs.getLong(1);
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM snapshot WHERE prediction_id = ? AND batch_index = ?")) {
      ps.setLong(1, id);
      ps.setInt(2, batchIndex);
      ps.executeUpdate();
    }
    return bytes;
  }

  private static void updateAfterSnapshot(
      Connection c, long id, Snapshot s, List<HeadDeviation> deviations, double maxZ, long addBytes)
      throws SQLException {
    // The prediction keeps the top heads over all its snapshots (a batch may hold several).
    List<HeadDeviation> merged = deviations;
    Double currentMax = null;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT max_z, deviations FROM prediction WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        double m = rs.getDouble(1);
        currentMax = rs.wasNull() ? null : m;
        String old = rs.getString(2);
        if (old != null) {
          merged = TopHeads.merge(StoredPayloads.deviations(old), merged);
        }
      }
    }
    Double newMax = currentMax;
    if (!Double.isNaN(maxZ) && (currentMax == null || maxZ > currentMax)) {
      newMax = maxZ;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE prediction SET layers = ?, heads = ?, model = COALESCE(model, ?),"
                + " input_tokens = COALESCE(input_tokens, ?), max_z = ?, deviations = ?,"
                + " snapshots = (SELECT COUNT(*) FROM snapshot WHERE prediction_id = ?),"
                + " bytes = bytes + ? WHERE id = ?")) {
      ps.setInt(1, s.layers());
      ps.setInt(2, s.heads());
      ps.setString(3, s.model());
      Jdbc.setLong(ps, 4, s.inputTokens());
      if (newMax == null) {
        ps.setNull(5, Types.DOUBLE);
      } else {
        ps.setDouble(5, newMax);
      }
      ps.setString(6, StoredPayloads.deviations(merged));
      ps.setLong(7, id);
      ps.setLong(8, addBytes);
      ps.setLong(9, id);
      ps.executeUpdate();
    }
  }

  /**
   * Records one sequence's attention maps; a repeated (span, batch index) replaces them. The body
   * and token texts are charged to the prediction, which is created if the map came first.
   */
  private static Delta saveMap(Connection c, AttentionMap m, long receivedMillis)
      throws SQLException {
    String texts = m.tokenTexts() == null ? null : StoredPayloads.tokens(m.tokenTexts());
    long bytes = m.body().length + (texts == null ? 0 : texts.length());
    Long id = findId(c, m.traceId(), m.spanId());
    boolean created = id == null;
    if (created) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO prediction (trace_id, span_id, time_nanos, model, layers, heads,"
                  + " has_span, snapshots, bytes, received_millis)"
                  + " VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
              Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, m.traceId());
        ps.setString(2, m.spanId());
        ps.setLong(3, m.timeNanos());
        ps.setString(4, m.model());
        ps.setInt(5, m.layers());
        ps.setInt(6, m.heads());
        ps.setLong(7, ROW_OVERHEAD_BYTES);
        ps.setLong(8, receivedMillis);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      }
    }
    long replaced = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT bytes FROM attention_map WHERE prediction_id = ? AND batch_index = ?")) {
      ps.setLong(1, id);
      ps.setInt(2, m.batchIndex());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          replaced = rs.getLong(1);
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT OR REPLACE INTO attention_map (prediction_id, batch_index, time_nanos, layers,"
                + " heads, tokens, encoding, top_k, reason, token_texts, body, bytes,"
                + " received_millis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setInt(2, m.batchIndex());
      ps.setLong(3, m.timeNanos());
      ps.setInt(4, m.layers());
      ps.setInt(5, m.heads());
      ps.setInt(6, m.tokens());
      ps.setString(7, m.encoding().value());
      ps.setInt(8, m.topK());
      ps.setString(9, m.reason());
      ps.setString(10, texts);
      ps.setBytes(11, m.body());
      ps.setLong(12, bytes);
      ps.setLong(13, receivedMillis);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE prediction SET bytes = bytes + ?, model = COALESCE(model, ?) WHERE id = ?")) {
      ps.setLong(1, bytes - replaced);
      ps.setString(2, m.model());
      ps.setLong(3, id);
      ps.executeUpdate();
    }
    return new Delta(created ? 1 : 0, bytes - replaced + (created ? ROW_OVERHEAD_BYTES : 0));
  }

  static Long findId(Connection c, String traceId, String spanId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM prediction WHERE trace_id = ? AND span_id = ?")) {
      ps.setString(1, traceId);
      ps.setString(2, spanId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }
}
