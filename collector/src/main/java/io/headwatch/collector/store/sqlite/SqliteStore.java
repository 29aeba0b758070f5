package io.headwatch.collector.store.sqlite;

import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.store.FeedbackOutcome;
import io.headwatch.collector.store.LabelledSnapshot;
import io.headwatch.collector.store.ModelSummary;
import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.PredictionQuery;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.store.PredictionSummary;
import io.headwatch.collector.store.StoreException;
import io.headwatch.collector.store.StoredStatistics;
import io.headwatch.collector.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * Predictions in an embedded SQLite database, {@code <data-dir>/headwatch.db}, in WAL mode. Chosen
 * for its crash-safety record: a commit is atomic and, once {@link #write} returns, in the
 * write-ahead log on disk (fsync'd with {@code store-sync=full}); a killed process leaves the last
 * committed state, which the next open recovers from the log. One writer connection (the ingest
 * worker's batches and the retention job, serialised by one lock); reader connections for the API.
 */
public final class SqliteStore implements PredictionStore {
  /** The database file's name inside the data directory. */
  public static final String FILE = "headwatch.db";

  private final Path file;
  private final SqliteConnections connections;
  private final Object writeLock = new Object();
  private final StoreCounters counters;
  private final RetentionEnforcer retention;
  private final PredictionReader reader;
  private volatile boolean healthy = true;
  private volatile boolean closed;

  private SqliteStore(Path file, SqliteConnections connections, StoreCounters counters) {
    this.file = file;
    this.connections = connections;
    this.counters = counters;
    this.retention = new RetentionEnforcer(counters);
    this.reader = new PredictionReader(connections);
  }

  /**
   * Opens (creating if needed) the store in {@code dataDir}. {@code fullSync}: each commit waits
   * for the disk, so that a power loss keeps what was acknowledged, not only a process crash.
   */
  public static SqliteStore open(Path dataDir, boolean fullSync) throws StoreException {
    Path file = dataDir.toAbsolutePath().resolve(FILE);
    try {
      Files.createDirectories(dataDir);
      SqliteConnections connections = SqliteConnections.open(file, fullSync);
      try (Statement st = connections.writer().createStatement();
          ResultSet rs =
              st.executeQuery("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM prediction")) {
        rs.next();
        return new SqliteStore(file, connections, new StoreCounters(rs.getLong(1), rs.getLong(2)));
      } catch (SQLException e) {
        connections.close();
        throw e;
      }
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot open the store " + file, e);
    }
  }

  @Override
  public List<FeedbackOutcome> write(WriteBatch batch) throws StoreException {
    if (batch.isEmpty()) {
      return List.of();
    }
    synchronized (writeLock) {
      if (closed) {
        throw new StoreException("cannot write", new IllegalStateException("the store is closed"));
      }
      Connection c = connections.writer();
      try {
        c.setAutoCommit(false);
        PredictionWriter.Delta d;
        try {
          d = PredictionWriter.write(c, batch);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
        counters.add(d.predictions(), d.bytes());
        healthy = true;
        return d.feedback();
      } catch (SQLException e) {
        healthy = false;
        throw new StoreException("cannot write " + batch.writes().size() + " records", e);
      }
    }
  }

  @Override
  public long enforceRetention(long nowMillis, long maxAgeMillis, long maxBytes)
      throws StoreException {
    synchronized (writeLock) {
      try {
        return retention.enforceRetention(connections.writer(), nowMillis, maxAgeMillis, maxBytes);
      } catch (SQLException e) {
        throw new StoreException("retention failed", e);
      }
    }
  }

  @Override
  public List<ModelSummary> models() throws StoreException {
    try {
      return reader.models();
    } catch (SQLException e) {
      throw new StoreException("cannot list models", e);
    }
  }

  @Override
  public List<PredictionSummary> find(PredictionQuery q) throws StoreException {
    try {
      return reader.find(q);
    } catch (SQLException e) {
      throw new StoreException("cannot list predictions", e);
    }
  }

  @Override
  public List<LabelledSnapshot> labelledSnapshots(String model, int limit) throws StoreException {
    try {
      return reader.labelledSnapshots(model, limit);
    } catch (SQLException e) {
      throw new StoreException("cannot read the labelled predictions of " + model, e);
    }
  }

  @Override
  public Optional<PredictionDetail> byId(long id) throws StoreException {
    try {
      return reader.byId(id);
    } catch (SQLException e) {
      throw new StoreException("cannot read prediction " + id, e);
    }
  }

  @Override
  public Optional<PredictionDetail> byTraceId(String traceId) throws StoreException {
    try {
      return reader.byTraceId(traceId);
    } catch (SQLException e) {
      throw new StoreException("cannot read trace " + traceId, e);
    }
  }

  @Override
  public Optional<AttentionMap> attentionMap(long predictionId, int batchIndex)
      throws StoreException {
    try {
      return reader.attentionMap(predictionId, batchIndex);
    } catch (SQLException e) {
      throw new StoreException(
          "cannot read the attention map of prediction " + predictionId + " batch " + batchIndex,
          e);
    }
  }

  @Override
  public long enforceAttentionMapBytes(long maxBytes) throws StoreException {
    synchronized (writeLock) {
      try {
        return retention.enforceAttentionMapBytes(connections.writer(), maxBytes);
      } catch (SQLException e) {
        throw new StoreException("attention-map retention failed", e);
      }
    }
  }

  @Override
  public long attentionMapBytes() {
    try {
      return reader.attentionMapBytes();
    } catch (SQLException e) {
      return -1;
    }
  }

  @Override
  public List<StoredStatistics> recentStatistics(int limit) throws StoreException {
    try {
      return reader.recentStatistics(limit);
    } catch (SQLException e) {
      throw new StoreException("cannot read recent statistics", e);
    }
  }

  @Override
  public long totalBytes() {
    return counters.bytes();
  }

  @Override
  public long predictionCount() {
    return counters.predictions();
  }

  /** The database file and its write-ahead log. */
  @Override
  public long diskBytes() {
    return size(file) + size(Path.of(file + "-wal"));
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public boolean healthy() {
    return healthy && !closed;
  }

  /** Runs SQLite's own consistency check; "ok" when the file is sound. */
  public String integrityCheck() throws StoreException {
    synchronized (writeLock) {
      try (Statement st = connections.writer().createStatement();
          ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
        StringBuilder sb = new StringBuilder();
        while (rs.next()) {
          sb.append(sb.length() == 0 ? "" : "; ").append(rs.getString(1));
        }
        return sb.toString();
      } catch (SQLException e) {
        throw new StoreException("integrity check failed", e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (!closed) {
        closed = true;
        connections.close();
      }
    }
  }
}
