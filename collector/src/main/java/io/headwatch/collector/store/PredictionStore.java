package io.headwatch.collector.store;

import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.InferenceSpan;
import io.headwatch.collector.model.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Predictions in an embedded H2 database ({@code <data-dir>/headwatch.mv.db}). A prediction is
 * keyed by (trace id, span id): the inference span and its snapshots fill it in whichever order
 * they arrive. H2's MVStore only appends and commits atomically, so a killed process leaves the
 * last committed state. Writes come from the ingest thread and the retention job (serialised by one
 * lock); reads from API threads.
 */
public final class PredictionStore implements AutoCloseable {
  private final Path file;
  private final JdbcConnectionPool pool;
  private final Object writeLock = new Object();
  private final StoreCounters counters;
  private final PredictionWriter writer;
  private final RetentionEnforcer retention;
  private final PredictionReader reader;

  private PredictionStore(Path file, JdbcConnectionPool pool, StoreCounters counters) {
    this.file = file;
    this.pool = pool;
    this.counters = counters;
    this.writer = new PredictionWriter(pool, writeLock, counters);
    this.retention = new RetentionEnforcer(pool, writeLock, counters);
    this.reader = new PredictionReader(pool);
  }

  /** Opens (creating if needed) the store in {@code dataDir}. */
  public static PredictionStore open(Path dataDir) throws SQLException, IOException {
    Files.createDirectories(dataDir);
    Path base = dataDir.toAbsolutePath().resolve("headwatch");
    // DB_CLOSE_ON_EXIT=FALSE: the collector closes the store itself after draining on SIGTERM.
    // async: H2 reads and writes the file through an AsynchronousFileChannel, which a thread
    // interrupt cannot close. With the default FileChannel, an interrupted thread (a server thread
    // pool stopping, a cancelled request) closes the file under H2, and what was not yet written is
    // lost: a rare loss of committed predictions in the restart test pointed there.
    JdbcConnectionPool pool =
        JdbcConnectionPool.create("jdbc:h2:async:" + base + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
    pool.setMaxConnections(8);
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement()) {
      StoreSchema.create(c);
      try (ResultSet rs =
          st.executeQuery("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM prediction")) {
        rs.next();
        return new PredictionStore(
            Path.of(base + ".mv.db"), pool, new StoreCounters(rs.getLong(1), rs.getLong(2)));
      }
    } catch (SQLException e) {
      pool.dispose();
      throw e;
    }
  }

  /** Records inference spans, creating or completing their predictions. */
  public void saveSpans(List<InferenceSpan> spans, long receivedMillis) throws SQLException {
    writer.saveSpans(spans, receivedMillis);
  }

  /** Records one snapshot with its top deviations; a repeated (span, batch index) replaces it. */
  public void saveSnapshot(Snapshot s, List<HeadDeviation> deviations, long receivedMillis)
      throws SQLException {
    writer.saveSnapshot(s, deviations, receivedMillis);
  }

  /**
   * Deletes predictions received before {@code nowMillis - maxAgeMillis}, then the oldest ones
   * until the stored bytes are at most {@code maxBytes}. Returns how many were deleted.
   */
  public long enforceRetention(long nowMillis, long maxAgeMillis, long maxBytes)
      throws SQLException {
    return retention.enforceRetention(nowMillis, maxAgeMillis, maxBytes);
  }

  /** Bytes of stored predictions as charged against --retention-bytes. */
  public long totalBytes() {
    return counters.bytes();
  }

  public long predictionCount() {
    return counters.predictions();
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
    return reader.models();
  }

  /** Predictions matching the query, in its order, at most {@code limit}. */
  public List<PredictionSummary> find(PredictionQuery q) throws SQLException {
    return reader.find(q);
  }

  /** One prediction by its numeric id. */
  public Optional<PredictionDetail> byId(long id) throws SQLException {
    return reader.byId(id);
  }

  /** The most deviant (then newest) prediction of a trace. */
  public Optional<PredictionDetail> byTraceId(String traceId) throws SQLException {
    return reader.byTraceId(traceId);
  }

  /** Stored statistics of the newest snapshots with attention, oldest first. */
  public List<StoredStatistics> recentStatistics(int limit) throws SQLException {
    return reader.recentStatistics(limit);
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      // H2 closes the database, writing what is pending, when its last connection closes.
      pool.dispose();
    }
  }
}
