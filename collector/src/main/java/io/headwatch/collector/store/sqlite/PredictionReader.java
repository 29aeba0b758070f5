package io.headwatch.collector.store.sqlite;

import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.model.Attributes;
import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.model.Statistics;
import io.headwatch.collector.store.AttentionMapInfo;
import io.headwatch.collector.store.LabelledSnapshot;
import io.headwatch.collector.store.ModelSummary;
import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.PredictionQuery;
import io.headwatch.collector.store.PredictionSummary;
import io.headwatch.collector.store.StoredSnapshot;
import io.headwatch.collector.store.StoredStatistics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The store's queries for the API and for refilling baselines. */
final class PredictionReader {
  private static final String SUMMARY_COLUMNS =
      "id, trace_id, span_id, time_nanos, service, instance, model, operation, name, input_tokens,"
          + " duration_nanos, batch_size, sampled, layers, heads, has_span, snapshots, max_z,"
          + " deviations, status, attributes, verdict, label, note, by_whom, source,"
          + " feedback_millis";

  /** The prediction table with its feedback, if any. */
  private static final String FROM =
      " FROM prediction LEFT JOIN feedback ON feedback.prediction_id = prediction.id";

  private final SqliteConnections connections;

  PredictionReader(SqliteConnections connections) {
    this.connections = connections;
  }

  /** Runs a query on a borrowed reader connection. */
  private <T> T read(Query<T> q) throws SQLException {
    Connection c = connections.borrow();
    try {
      return q.run(c);
    } finally {
      connections.release(c);
    }
  }

  @FunctionalInterface
  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  /** Models seen, most recently seen first. */
  List<ModelSummary> models() throws SQLException {
    return read(this::models);
  }

  private List<ModelSummary> models(Connection c) throws SQLException {
    {
      Map<String, TreeSet<String>> services = new LinkedHashMap<>();
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT DISTINCT model, service FROM prediction WHERE model IS NOT NULL")) {
        while (rs.next()) {
          TreeSet<String> set = services.computeIfAbsent(rs.getString(1), k -> new TreeSet<>());
          if (rs.getString(2) != null) {
            set.add(rs.getString(2));
          }
        }
      }
      List<ModelSummary> out = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT model, MAX(time_nanos), MAX(layers), MAX(heads), COUNT(*) FROM prediction"
                      + " WHERE model IS NOT NULL GROUP BY model ORDER BY MAX(time_nanos) DESC")) {
        while (rs.next()) {
          String model = rs.getString(1);
          out.add(
              new ModelSummary(
                  model,
                  List.copyOf(services.getOrDefault(model, new TreeSet<>())),
                  rs.getLong(2),
                  Jdbc.getInt(rs, 3),
                  Jdbc.getInt(rs, 4),
                  rs.getLong(5)));
        }
      }
      return out;
    }
  }

  /** Predictions matching the query, in its order, at most {@code limit}. */
  List<PredictionSummary> find(PredictionQuery q) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + FROM + " WHERE TRUE");
    List<Object> args = new ArrayList<>();
    if (q.fromNanos() != null) {
      sql.append(" AND time_nanos >= ?");
      args.add(q.fromNanos());
    }
    if (q.toNanos() != null) {
      sql.append(" AND time_nanos < ?");
      args.add(q.toNanos());
    }
    if (q.model() != null) {
      sql.append(" AND model = ?");
      args.add(q.model());
    }
    if (q.traceId() != null) {
      sql.append(" AND trace_id = ?");
      args.add(q.traceId());
    }
    if (q.anomalous() != null) {
      sql.append(" AND anomalous = ?");
      args.add(q.anomalous() ? 1 : 0);
    }
    if (q.feedback() != null) {
      sql.append(
          switch (q.feedback()) {
            case WRONG -> " AND label = 'wrong'";
            case RIGHT -> " AND label = 'right'";
            case ANY -> " AND label IS NOT NULL";
            case NONE -> " AND label IS NULL";
          });
    }
    sql.append(
        switch (q.order()) {
          case DEVIATION -> " ORDER BY max_z DESC NULLS LAST, time_nanos DESC, id DESC";
          case SCORE -> " ORDER BY verdict_score DESC NULLS LAST, time_nanos DESC, id DESC";
          case TIME -> " ORDER BY time_nanos DESC, id DESC";
        });
    sql.append(" LIMIT ?");
    args.add(q.limit());
    return read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              ps.setObject(i + 1, args.get(i));
            }
            List<PredictionSummary> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(summary(rs));
              }
            }
            return out;
          }
        });
  }

  /** One prediction by its numeric id. */
  Optional<PredictionDetail> byId(long id) throws SQLException {
    return read(c -> detail(c, "id = ?", id));
  }

  /** The most deviant (then newest) prediction of a trace. */
  Optional<PredictionDetail> byTraceId(String traceId) throws SQLException {
    return read(c -> detail(c, "trace_id = ?", traceId));
  }

  private Optional<PredictionDetail> detail(Connection c, String condition, Object arg)
      throws SQLException {
    PredictionSummary summary;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + SUMMARY_COLUMNS
                + FROM
                + " WHERE "
                + condition
                + " ORDER BY max_z DESC NULLS LAST, time_nanos DESC, id DESC LIMIT 1")) {
      ps.setObject(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        summary = summary(rs);
      }
    }
    List<StoredSnapshot> snapshots = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT batch_index, time_nanos, input_tokens, layers, heads, statistics, deviations,"
                + " attention_maps, attention_maps_kind, tokens, attributes FROM snapshot"
                + " WHERE prediction_id = ? ORDER BY batch_index")) {
      ps.setLong(1, summary.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byte[] maps = rs.getBytes(8);
          String kind = rs.getString(9);
          String tokens = rs.getString(10);
          snapshots.add(
              new StoredSnapshot(
                  rs.getInt(1),
                  rs.getLong(2),
                  Jdbc.getLong(rs, 3),
                  rs.getInt(4),
                  rs.getInt(5),
                  StoredPayloads.statistics(rs.getString(6)),
                  StoredPayloads.deviations(rs.getString(7)),
                  "bytes".equals(kind) ? maps : null,
                  "doubles".equals(kind) ? StoredPayloads.toDoubles(maps) : null,
                  tokens == null ? null : StoredPayloads.tokens(tokens),
                  StoredPayloads.attributes(rs.getString(11))));
        }
      }
    }
    List<AttentionMapInfo> maps = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT batch_index, tokens, encoding, top_k, reason, bytes FROM attention_map"
                + " WHERE prediction_id = ? ORDER BY batch_index")) {
      ps.setLong(1, summary.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          maps.add(
              new AttentionMapInfo(
                  rs.getInt(1),
                  rs.getInt(2),
                  rs.getString(3),
                  rs.getInt(4),
                  rs.getString(5),
                  rs.getLong(6)));
        }
      }
    }
    List<Long> sameTrace = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM prediction WHERE trace_id = ? ORDER BY id")) {
      ps.setString(1, summary.traceId());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sameTrace.add(rs.getLong(1));
        }
      }
    }
    return Optional.of(new PredictionDetail(summary, snapshots, maps, sameTrace));
  }

  /**
   * The snapshots of the {@code limit} most recently labelled predictions of {@code model}, by
   * prediction id.
   */
  List<LabelledSnapshot> labelledSnapshots(String model, int limit) throws SQLException {
    return read(
        c -> {
          List<LabelledSnapshot> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT p.id, p.trace_id, f.label, s.layers, s.heads, s.statistics,"
                      + " s.input_tokens, s.time_nanos"
                      + " FROM (SELECT prediction_id, label FROM feedback"
                      + "   JOIN prediction ON prediction.id = feedback.prediction_id"
                      + "   WHERE prediction.model = ?"
                      + "   ORDER BY feedback_millis DESC, prediction_id DESC LIMIT ?) f"
                      + " JOIN prediction p ON p.id = f.prediction_id"
                      + " JOIN snapshot s ON s.prediction_id = p.id"
                      + " ORDER BY p.id, s.batch_index")) {
            ps.setString(1, model);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Statistics stats = StoredPayloads.statistics(rs.getString(6));
                out.add(
                    new LabelledSnapshot(
                        rs.getLong(1),
                        rs.getString(2),
                        Feedback.Label.of(rs.getString(3)),
                        new StoredStatistics(
                            model,
                            rs.getInt(4),
                            rs.getInt(5),
                            stats.attention(),
                            stats.activation(),
                            Jdbc.getLong(rs, 7),
                            null,
                            null,
                            rs.getLong(8))));
              }
            }
          }
          return out;
        });
  }

  /** One sequence's attention map with its prediction's ids and model, if stored. */
  Optional<AttentionMap> attentionMap(long predictionId, int batchIndex) throws SQLException {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT p.trace_id, p.span_id, m.time_nanos, p.model, m.layers, m.heads,"
                      + " m.tokens, m.encoding, m.top_k, m.reason, m.token_texts, m.body"
                      + " FROM attention_map m JOIN prediction p ON p.id = m.prediction_id"
                      + " WHERE m.prediction_id = ? AND m.batch_index = ?")) {
            ps.setLong(1, predictionId);
            ps.setInt(2, batchIndex);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              String texts = rs.getString(11);
              return Optional.of(
                  new AttentionMap(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getLong(3),
                      rs.getString(4),
                      batchIndex,
                      rs.getInt(5),
                      rs.getInt(6),
                      rs.getInt(7),
                      AttentionMap.Encoding.of(rs.getString(8)),
                      rs.getInt(9),
                      rs.getString(10),
                      texts == null ? null : StoredPayloads.tokens(texts),
                      rs.getBytes(12)));
            }
          }
        });
  }

  /** Stored attention-map bytes. */
  long attentionMapBytes() throws SQLException {
    return read(RetentionEnforcer::attentionMapBytes);
  }

  /** Stored statistics of the newest snapshots, oldest first, to refill baselines on start. */
  List<StoredStatistics> recentStatistics(int limit) throws SQLException {
    List<StoredStatistics> out = new ArrayList<>();
    Connection c = connections.borrow();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT model, layers, heads, statistics, input_tokens, attributes, time_nanos"
                + " FROM snapshot WHERE heads > 0"
                + " ORDER BY prediction_id DESC, batch_index DESC LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Statistics stats = StoredPayloads.statistics(rs.getString(4));
          Attributes attributes = StoredPayloads.attributes(rs.getString(6));
          out.add(
              new StoredStatistics(
                  rs.getString(1),
                  rs.getInt(2),
                  rs.getInt(3),
                  stats.attention(),
                  stats.activation(),
                  Jdbc.getLong(rs, 5),
                  truncated(attributes.get("headwatch.input.truncated")),
                  attributes.get("headwatch.input.unknown_tokens") instanceof Long l ? l : null,
                  rs.getLong(7)));
        }
      }
    } finally {
      connections.release(c);
    }
    Collections.reverse(out);
    return out;
  }

  /** {@code headwatch.input.truncated} as sent: 0/1 (long) or a boolean. */
  private static Boolean truncated(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Long l) {
      return l != 0;
    }
    return null;
  }

  private static PredictionSummary summary(ResultSet rs) throws SQLException {
    String devs = rs.getString(19);
    String attrs = rs.getString(21);
    double maxZ = rs.getDouble(18);
    Double max = rs.wasNull() ? null : maxZ;
    return new PredictionSummary(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        Jdbc.getLong(rs, 10),
        Jdbc.getLong(rs, 11),
        Jdbc.getLong(rs, 12),
        Jdbc.getBoolean(rs, 13),
        Jdbc.getInt(rs, 14),
        Jdbc.getInt(rs, 15),
        rs.getBoolean(16),
        rs.getInt(17),
        max,
        StoredPayloads.deviations(devs),
        rs.getString(20),
        StoredPayloads.attributes(attrs),
        StoredPayloads.verdict(rs.getString(22)),
        feedback(rs));
  }

  /** The feedback columns of a summary row, or null without feedback. */
  private static Feedback feedback(ResultSet rs) throws SQLException {
    Feedback.Label label = Feedback.Label.of(rs.getString(23));
    if (label == null) {
      return null;
    }
    return new Feedback(
        label, rs.getString(24), rs.getString(25), rs.getString(26), rs.getLong(27));
  }
}
