package io.headwatch.collector.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.baseline.HeadDeviation;
import io.headwatch.collector.ingest.InferenceSpan;
import io.headwatch.collector.ingest.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Predictions in an embedded H2 database ({@code <data-dir>/headwatch.mv.db}). A prediction is
 * keyed by (trace id, span id): the inference span and its snapshots fill it in whichever order
 * they arrive. H2's MVStore only appends and commits atomically, so a killed process leaves the
 * last committed state. Writes come from one ingest thread and the retention job; reads from API
 * threads.
 */
public final class PredictionStore implements AutoCloseable {
  /** Bytes a prediction row is charged for beyond its variable-size payloads. */
  static final long ROW_OVERHEAD_BYTES = 256;

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS prediction (
      id BIGINT AUTO_INCREMENT PRIMARY KEY,
      trace_id VARCHAR(32) NOT NULL,
      span_id VARCHAR(16) NOT NULL,
      time_nanos BIGINT NOT NULL,
      service VARCHAR(512),
      instance VARCHAR(512),
      model VARCHAR(512),
      operation VARCHAR(256),
      name VARCHAR(1024),
      input_tokens BIGINT,
      duration_nanos BIGINT,
      batch_size BIGINT,
      sampled BOOLEAN,
      layers INT,
      heads INT,
      has_span BOOLEAN NOT NULL,
      snapshots INT NOT NULL,
      max_z DOUBLE PRECISION,
      deviations CHARACTER LARGE OBJECT,
      bytes BIGINT NOT NULL,
      received_millis BIGINT NOT NULL,
      CONSTRAINT prediction_key UNIQUE (trace_id, span_id))""",
    "CREATE INDEX IF NOT EXISTS prediction_time ON prediction(time_nanos)",
    "CREATE INDEX IF NOT EXISTS prediction_model_time ON prediction(model, time_nanos)",
    "CREATE INDEX IF NOT EXISTS prediction_max_z ON prediction(max_z)",
    """
    CREATE TABLE IF NOT EXISTS snapshot (
      prediction_id BIGINT NOT NULL,
      batch_index INT NOT NULL,
      time_nanos BIGINT NOT NULL,
      model VARCHAR(512) NOT NULL,
      input_tokens BIGINT,
      layers INT NOT NULL,
      heads INT NOT NULL,
      statistics CHARACTER LARGE OBJECT NOT NULL,
      deviations CHARACTER LARGE OBJECT NOT NULL,
      attention_maps BINARY LARGE OBJECT,
      attention_maps_kind VARCHAR(8),
      tokens CHARACTER LARGE OBJECT,
      PRIMARY KEY (prediction_id, batch_index),
      FOREIGN KEY (prediction_id) REFERENCES prediction(id) ON DELETE CASCADE)"""
  };

  private static final String SUMMARY_COLUMNS =
      "id, trace_id, span_id, time_nanos, service, instance, model, operation, name, input_tokens,"
          + " duration_nanos, batch_size, sampled, layers, heads, has_span, snapshots, max_z,"
          + " deviations";

  private final Path file;
  private final JdbcConnectionPool pool;
  private final Object writeLock = new Object();
  private volatile long totalBytes;
  private volatile long predictionCount;

  private PredictionStore(Path file, JdbcConnectionPool pool) {
    this.file = file;
    this.pool = pool;
  }

  /** Opens (creating if needed) the store in {@code dataDir}. */
  public static PredictionStore open(Path dataDir) throws SQLException, IOException {
    Files.createDirectories(dataDir);
    Path base = dataDir.toAbsolutePath().resolve("headwatch");
    // DB_CLOSE_ON_EXIT=FALSE: the collector closes the store itself after draining on SIGTERM.
    JdbcConnectionPool pool =
        JdbcConnectionPool.create("jdbc:h2:file:" + base + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
    pool.setMaxConnections(8);
    PredictionStore store = new PredictionStore(Path.of(base + ".mv.db"), pool);
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      for (String ddl : SCHEMA) {
        st.execute(ddl);
      }
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM prediction")) {
        rs.next();
        store.predictionCount = rs.getLong(1);
        store.totalBytes = rs.getLong(2);
      }
    } catch (SQLException e) {
      pool.dispose();
      throw e;
    }
    return store;
  }

  /** Records inference spans, creating or completing their predictions. */
  public void saveSpans(List<InferenceSpan> spans, long receivedMillis) throws SQLException {
    if (spans.isEmpty()) {
      return;
    }
    synchronized (writeLock) {
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try {
          int created = 0;
          for (InferenceSpan s : spans) {
            created += saveSpan(c, s, receivedMillis) ? 1 : 0;
          }
          c.commit();
          totalBytes += created * ROW_OVERHEAD_BYTES;
          predictionCount += created;
        } catch (SQLException e) {
          c.rollback();
          throw e;
        }
      }
    }
  }

  /** True if the span created its prediction (rather than completing one a snapshot began). */
  private static boolean saveSpan(Connection c, InferenceSpan s, long receivedMillis)
      throws SQLException {
    Long id = findId(c, s.traceId(), s.spanId());
    if (id == null) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO prediction (trace_id, span_id, time_nanos, service, instance, model,"
              + " operation, name, input_tokens, duration_nanos, batch_size, sampled, has_span,"
              + " snapshots, bytes, received_millis)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, 0, ?, ?)")) {
        ps.setString(1, s.traceId());
        ps.setString(2, s.spanId());
        ps.setLong(3, s.startNanos());
        ps.setString(4, s.service());
        ps.setString(5, s.instance());
        ps.setString(6, s.model());
        ps.setString(7, s.operation());
        ps.setString(8, s.name());
        setLong(ps, 9, s.inputTokens());
        ps.setLong(10, s.durationNanos());
        setLong(ps, 11, s.batchSize());
        setBoolean(ps, 12, s.sampled());
        ps.setLong(13, ROW_OVERHEAD_BYTES);
        ps.setLong(14, receivedMillis);
        ps.executeUpdate();
      }
      return true;
    }
    // The snapshot came first: the span supplies its own time, duration and name.
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE prediction SET time_nanos = ?, service = COALESCE(?, service),"
            + " instance = COALESCE(?, instance), model = ?, operation = COALESCE(?, operation),"
            + " name = ?, input_tokens = COALESCE(?, input_tokens), duration_nanos = ?,"
            + " batch_size = ?, sampled = ?, has_span = TRUE WHERE id = ?")) {
      ps.setLong(1, s.startNanos());
      ps.setString(2, s.service());
      ps.setString(3, s.instance());
      ps.setString(4, s.model());
      ps.setString(5, s.operation());
      ps.setString(6, s.name());
      setLong(ps, 7, s.inputTokens());
      ps.setLong(8, s.durationNanos());
      setLong(ps, 9, s.batchSize());
      setBoolean(ps, 10, s.sampled());
      ps.setLong(11, id);
      ps.executeUpdate();
    }
    return false;
  }

  /** Records one snapshot with its top deviations; a repeated (span, batch index) replaces it. */
  public void saveSnapshot(Snapshot s, List<HeadDeviation> deviations, long receivedMillis)
      throws SQLException {
    JsonObject stats = statisticsJson(s);
    JsonArray devs = deviationsJson(deviations);
    String statsText = stats.toString();
    String devsText = devs.toString();
    byte[] maps = mapsBytes(s.attentionMaps());
    String tokens = s.tokens() == null ? null : tokensJson(s.tokens());
    long bytes = statsText.length() + devsText.length() + (maps == null ? 0 : maps.length)
        + (tokens == null ? 0 : tokens.length());
    double maxZ = deviations.isEmpty() ? Double.NaN : deviations.get(0).z();

    synchronized (writeLock) {
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try {
          Long id = findId(c, s.traceId(), s.spanId());
          boolean created = id == null;
          if (created) {
            id = insertFromSnapshot(c, s, receivedMillis);
          }
          long replaced = deleteSnapshot(c, id, s.batchIndex());
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO snapshot (prediction_id, batch_index, time_nanos, model, input_tokens,"
                  + " layers, heads, statistics, deviations, attention_maps, attention_maps_kind,"
                  + " tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setInt(2, s.batchIndex());
            ps.setLong(3, s.timeNanos());
            ps.setString(4, s.model());
            setLong(ps, 5, s.inputTokens());
            ps.setInt(6, s.layers());
            ps.setInt(7, s.heads());
            ps.setString(8, statsText);
            ps.setString(9, devsText);
            ps.setBytes(10, maps);
            ps.setString(11, s.attentionMaps() == null ? null
                : s.attentionMaps().bytes() != null ? "bytes" : "doubles");
            ps.setString(12, tokens);
            ps.executeUpdate();
          }
          updateAfterSnapshot(c, id, s, deviations, maxZ, bytes - replaced);
          c.commit();
          totalBytes += bytes - replaced + (created ? ROW_OVERHEAD_BYTES : 0);
          predictionCount += created ? 1 : 0;
        } catch (SQLException e) {
          c.rollback();
          throw e;
        }
      }
    }
  }

  private static long insertFromSnapshot(Connection c, Snapshot s, long receivedMillis)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO prediction (trace_id, span_id, time_nanos, service, instance, model, operation,"
            + " input_tokens, has_span, snapshots, bytes, received_millis)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, FALSE, 0, ?, ?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, s.traceId());
      ps.setString(2, s.spanId());
      ps.setLong(3, s.timeNanos());
      ps.setString(4, s.service());
      ps.setString(5, s.instance());
      ps.setString(6, s.model());
      ps.setString(7, s.operation());
      setLong(ps, 8, s.inputTokens());
      ps.setLong(9, ROW_OVERHEAD_BYTES);
      ps.setLong(10, receivedMillis);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private long deleteSnapshot(Connection c, long id, int batchIndex) throws SQLException {
    long bytes = 0;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT LENGTH(statistics) + LENGTH(deviations) + COALESCE(LENGTH(attention_maps), 0)"
            + " + COALESCE(LENGTH(tokens), 0) FROM snapshot WHERE prediction_id = ? AND batch_index = ?")) {
      ps.setLong(1, id);
      ps.setInt(2, batchIndex);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return 0;
        }
        bytes = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM snapshot WHERE prediction_id = ? AND batch_index = ?")) {
      ps.setLong(1, id);
      ps.setInt(2, batchIndex);
      ps.executeUpdate();
    }
    return bytes;
  }

  private void updateAfterSnapshot(
      Connection c, long id, Snapshot s, List<HeadDeviation> deviations, double maxZ, long addBytes)
      throws SQLException {
    // The prediction keeps the top heads over all its snapshots (a batch may hold several).
    JsonArray merged = deviationsJson(deviations);
    Double currentMax = null;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT max_z, deviations FROM prediction WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        double m = rs.getDouble(1);
        currentMax = rs.wasNull() ? null : m;
        String old = rs.getString(2);
        if (old != null) {
          merged = mergeTop(JsonParser.parseString(old).getAsJsonArray(), merged);
        }
      }
    }
    Double newMax = currentMax;
    if (!Double.isNaN(maxZ) && (currentMax == null || maxZ > currentMax)) {
      newMax = maxZ;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE prediction SET layers = ?, heads = ?, model = COALESCE(model, ?),"
            + " input_tokens = COALESCE(input_tokens, ?), max_z = ?, deviations = ?,"
            + " snapshots = (SELECT COUNT(*) FROM snapshot WHERE prediction_id = ?),"
            + " bytes = bytes + ? WHERE id = ?")) {
      ps.setInt(1, s.layers());
      ps.setInt(2, s.heads());
      ps.setString(3, s.model());
      setLong(ps, 4, s.inputTokens());
      if (newMax == null) {
        ps.setNull(5, Types.DOUBLE);
      } else {
        ps.setDouble(5, newMax);
      }
      ps.setString(6, merged.toString());
      ps.setLong(7, id);
      ps.setLong(8, addBytes);
      ps.setLong(9, id);
      ps.executeUpdate();
    }
  }

  private static JsonArray mergeTop(JsonArray a, JsonArray b) {
    List<JsonObject> all = new ArrayList<>();
    a.forEach(e -> all.add(e.getAsJsonObject()));
    b.forEach(e -> all.add(e.getAsJsonObject()));
    all.sort(Comparator.comparingDouble((JsonObject o) -> o.get("z").getAsDouble()).reversed());
    Map<String, JsonObject> byHead = new LinkedHashMap<>();
    for (JsonObject o : all) {
      byHead.putIfAbsent(o.get("layer").getAsInt() + "/" + o.get("head").getAsInt(), o);
    }
    JsonArray out = new JsonArray();
    byHead.values().stream().limit(BaselineTracker.TOP_HEADS)
        .forEach(out::add);
    return out;
  }

  /**
   * Deletes predictions received before {@code nowMillis - maxAgeMillis}, then the oldest ones
   * until the stored bytes are at most {@code maxBytes}. Returns how many were deleted.
   */
  public long enforceRetention(long nowMillis, long maxAgeMillis, long maxBytes) throws SQLException {
    long deleted = 0;
    synchronized (writeLock) {
      try (Connection c = pool.getConnection()) {
        deleted += deleteWhere(c, "received_millis < ?", nowMillis - maxAgeMillis);
        while (totalBytes > maxBytes) {
          long excess = totalBytes - maxBytes;
          long cutoff = -1;
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT id, bytes FROM prediction ORDER BY id LIMIT 1000");
              ResultSet rs = ps.executeQuery()) {
            long sum = 0;
            while (rs.next() && sum < excess) {
              cutoff = rs.getLong(1);
              sum += rs.getLong(2);
            }
          }
          if (cutoff < 0) {
            break;
          }
          deleted += deleteWhere(c, "id <= ?", cutoff);
        }
      }
    }
    return deleted;
  }

  private long deleteWhere(Connection c, String condition, long arg) throws SQLException {
    c.setAutoCommit(false);
    try {
      long count;
      long bytes;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM prediction WHERE " + condition)) {
        ps.setLong(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          count = rs.getLong(1);
          bytes = rs.getLong(2);
        }
      }
      if (count > 0) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM prediction WHERE " + condition)) {
          ps.setLong(1, arg);
          ps.executeUpdate();
        }
      }
      c.commit();
      totalBytes -= bytes;
      predictionCount -= count;
      return count;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Bytes of stored predictions as charged against --retention-bytes. */
  public long totalBytes() {
    return totalBytes;
  }

  public long predictionCount() {
    return predictionCount;
  }

  /** Size of the database file on disk (may exceed {@link #totalBytes()} until H2 compacts). */
  public long fileBytes() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Models seen, most recently seen first. */
  public List<ModelSummary> models() throws SQLException {
    try (Connection c = pool.getConnection()) {
      Map<String, TreeSet<String>> services = new LinkedHashMap<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(
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
          ResultSet rs = st.executeQuery(
              "SELECT model, MAX(time_nanos), MAX(layers), MAX(heads), COUNT(*) FROM prediction"
                  + " WHERE model IS NOT NULL GROUP BY model ORDER BY MAX(time_nanos) DESC")) {
        while (rs.next()) {
          String model = rs.getString(1);
          out.add(new ModelSummary(model, List.copyOf(services.getOrDefault(model, new TreeSet<>())),
              rs.getLong(2), getInt(rs, 3), getInt(rs, 4), rs.getLong(5)));
        }
      }
      return out;
    }
  }

  /** Predictions matching the query, in its order, at most {@code limit}. */
  public List<PredictionSummary> find(PredictionQuery q) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM prediction WHERE TRUE");
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
    sql.append(q.order() == PredictionQuery.Order.DEVIATION
        ? " ORDER BY max_z DESC NULLS LAST, time_nanos DESC, id DESC"
        : " ORDER BY time_nanos DESC, id DESC");
    sql.append(" LIMIT ?");
    args.add(q.limit());
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
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
  }

  /** One prediction by its numeric id. */
  public Optional<PredictionDetail> byId(long id) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return detail(c, "id = ?", id);
    }
  }

  /** The most deviant (then newest) prediction of a trace. */
  public Optional<PredictionDetail> byTraceId(String traceId) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return detail(c, "trace_id = ?", traceId);
    }
  }

  private Optional<PredictionDetail> detail(Connection c, String condition, Object arg)
      throws SQLException {
    PredictionSummary summary;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + SUMMARY_COLUMNS
        + " FROM prediction WHERE " + condition
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
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT batch_index, time_nanos, input_tokens, layers, heads, statistics, deviations,"
            + " attention_maps, attention_maps_kind, tokens FROM snapshot"
            + " WHERE prediction_id = ? ORDER BY batch_index")) {
      ps.setLong(1, summary.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byte[] maps = rs.getBytes(8);
          String kind = rs.getString(9);
          String tokens = rs.getString(10);
          snapshots.add(new StoredSnapshot(rs.getInt(1), rs.getLong(2), getLong(rs, 3),
              rs.getInt(4), rs.getInt(5),
              JsonParser.parseString(rs.getString(6)).getAsJsonObject(),
              JsonParser.parseString(rs.getString(7)).getAsJsonArray(),
              "bytes".equals(kind) ? maps : null,
              "doubles".equals(kind) ? toDoubles(maps) : null,
              tokens == null ? null : parseTokens(tokens)));
        }
      }
    }
    List<Long> sameTrace = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT id FROM prediction WHERE trace_id = ? ORDER BY id")) {
      ps.setString(1, summary.traceId());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sameTrace.add(rs.getLong(1));
        }
      }
    }
    return Optional.of(new PredictionDetail(summary, snapshots, sameTrace));
  }

  /** Stored statistics of the newest snapshots, oldest first, to refill baselines on start. */
  public List<StoredStatistics> recentStatistics(int limit) throws SQLException {
    List<StoredStatistics> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT model, layers, heads, statistics FROM snapshot"
                + " ORDER BY prediction_id DESC, batch_index DESC LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new StoredStatistics(rs.getString(1), rs.getInt(2), rs.getInt(3),
              JsonParser.parseString(rs.getString(4)).getAsJsonObject()));
        }
      }
    }
    Collections.reverse(out);
    return out;
  }

  /** A snapshot's statistics as stored, for refilling baselines. */
  public record StoredStatistics(String model, int layers, int heads, JsonObject statistics) {}

  @Override
  public void close() {
    synchronized (writeLock) {
      // H2 closes the database, writing what is pending, when its last connection closes.
      pool.dispose();
    }
  }

  private static PredictionSummary summary(ResultSet rs) throws SQLException {
    String devs = rs.getString(19);
    double maxZ = rs.getDouble(18);
    Double max = rs.wasNull() ? null : maxZ;
    return new PredictionSummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
        getLong(rs, 10), getLong(rs, 11), getLong(rs, 12), getBoolean(rs, 13), getInt(rs, 14),
        getInt(rs, 15), rs.getBoolean(16), rs.getInt(17), max,
        devs == null ? new JsonArray() : JsonParser.parseString(devs).getAsJsonArray());
  }

  static JsonObject statisticsJson(Snapshot s) {
    JsonObject attention = new JsonObject();
    s.attention().forEach((k, v) -> attention.add(k, JsonValues.doubles(v)));
    JsonObject activation = new JsonObject();
    s.activation().forEach((k, v) -> activation.add(k, JsonValues.doubles(v)));
    JsonObject o = new JsonObject();
    o.add("attention", attention);
    o.add("activation", activation);
    if (s.activationSite() != null) {
      o.addProperty("activation_site", s.activationSite());
    }
    return o;
  }

  static JsonArray deviationsJson(List<HeadDeviation> deviations) {
    JsonArray a = new JsonArray();
    for (HeadDeviation d : deviations) {
      JsonObject o = new JsonObject();
      o.addProperty("layer", d.layer());
      o.addProperty("head", d.head());
      o.addProperty("statistic", d.statistic());
      o.add("value", JsonValues.number(d.value()));
      o.add("median", JsonValues.baselineNumber(d.median()));
      o.add("mad", JsonValues.baselineNumber(d.mad()));
      o.add("z", JsonValues.baselineNumber(d.z()));
      a.add(o);
    }
    return a;
  }

  private static byte[] mapsBytes(Snapshot.AttentionMaps maps) {
    if (maps == null) {
      return null;
    }
    if (maps.bytes() != null) {
      return maps.bytes();
    }
    ByteBuffer buf = ByteBuffer.allocate(maps.doubles().length * Double.BYTES);
    for (double d : maps.doubles()) {
      buf.putDouble(d);
    }
    return buf.array();
  }

  private static double[] toDoubles(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    double[] out = new double[bytes.length / Double.BYTES];
    for (int i = 0; i < out.length; i++) {
      out[i] = buf.getDouble();
    }
    return out;
  }

  private static String tokensJson(List<String> tokens) {
    JsonArray a = new JsonArray();
    tokens.forEach(a::add);
    return a.toString();
  }

  private static List<String> parseTokens(String json) {
    List<String> out = new ArrayList<>();
    JsonParser.parseString(json).getAsJsonArray().forEach(e -> out.add(e.getAsString()));
    return out;
  }

  private static Long findId(Connection c, String traceId, String spanId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT id FROM prediction WHERE trace_id = ? AND span_id = ?")) {
      ps.setString(1, traceId);
      ps.setString(2, spanId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  private static void setBoolean(PreparedStatement ps, int i, Boolean v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BOOLEAN);
    } else {
      ps.setBoolean(i, v);
    }
  }

  private static Long getLong(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }

  private static Integer getInt(ResultSet rs, int i) throws SQLException {
    int v = rs.getInt(i);
    return rs.wasNull() ? null : v;
  }

  private static Boolean getBoolean(ResultSet rs, int i) throws SQLException {
    boolean v = rs.getBoolean(i);
    return rs.wasNull() ? null : v;
  }
}
