package io.headwatch.collector.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Deletes predictions by age, then the oldest until the stored bytes fit the bound. */
final class RetentionEnforcer {
  private final StoreCounters counters;

  RetentionEnforcer(StoreCounters counters) {
    this.counters = counters;
  }

  /**
   * Deletes predictions received before {@code nowMillis - maxAgeMillis}, then the oldest ones
   * until the stored bytes are at most {@code maxBytes}. Returns how many were deleted. Runs on the
   * writer connection; the caller holds the write lock.
   */
  long enforceRetention(Connection c, long nowMillis, long maxAgeMillis, long maxBytes)
      throws SQLException {
    long deleted = deleteWhere(c, "received_millis < ?", nowMillis - maxAgeMillis);
    while (counters.bytes() > maxBytes) {
      long excess = counters.bytes() - maxBytes;
      long cutoff = -1;
      try (PreparedStatement ps =
              c.prepareStatement("SELECT id, bytes FROM prediction ORDER BY id LIMIT 1000");
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
    if (deleted > 0) {
      // Hand freed pages back to the file system (auto_vacuum = INCREMENTAL).
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA incremental_vacuum");
      }
    }
    return deleted;
  }

  private long deleteWhere(Connection c, String condition, long arg) throws SQLException {
    c.setAutoCommit(false);
    try {
      long count;
      long bytes;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM prediction WHERE " + condition)) {
        ps.setLong(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          count = rs.getLong(1);
          bytes = rs.getLong(2);
        }
      }
      if (count > 0) {
        try (PreparedStatement ps =
            c.prepareStatement("DELETE FROM prediction WHERE " + condition)) {
          ps.setLong(1, arg);
          ps.executeUpdate();
        }
      }
      c.commit();
      counters.add(-count, -bytes);
      return count;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }
}
