package io.headwatch.collector.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes predictions by age, then the oldest until the stored bytes fit the bound; and the oldest
 * attention maps until the map bytes fit theirs.
 */
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

  /**
   * Deletes the oldest attention maps (by arrival) until the stored map bytes are at most {@code
   * maxBytes}, un-charging them from their predictions, which stay. Returns how many were deleted.
   * Runs on the writer connection; the caller holds the write lock.
   */
  long enforceAttentionMapBytes(Connection c, long maxBytes) throws SQLException {
    long total = attentionMapBytes(c);
    long deleted = 0;
    while (total > maxBytes) {
      long excess = total - maxBytes;
      List<long[]> victims = new ArrayList<>();
      long sum = 0;
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT prediction_id, batch_index, bytes FROM attention_map"
                      + " ORDER BY received_millis, prediction_id, batch_index LIMIT 1000");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next() && sum < excess) {
          victims.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
          sum += rs.getLong(3);
        }
      }
      if (victims.isEmpty()) {
        break;
      }
      c.setAutoCommit(false);
      try (PreparedStatement delete =
              c.prepareStatement(
                  "DELETE FROM attention_map WHERE prediction_id = ? AND batch_index = ?");
          PreparedStatement uncharge =
              c.prepareStatement("UPDATE prediction SET bytes = bytes - ? WHERE id = ?")) {
        for (long[] v : victims) {
          delete.setLong(1, v[0]);
          delete.setLong(2, v[1]);
          delete.executeUpdate();
          uncharge.setLong(1, v[2]);
          uncharge.setLong(2, v[0]);
          uncharge.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      counters.add(0, -sum);
      total -= sum;
      deleted += victims.size();
    }
    return deleted;
  }

  /** Stored attention-map bytes (the maps of every prediction). */
  static long attentionMapBytes(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(bytes), 0) FROM attention_map")) {
      rs.next();
      return rs.getLong(1);
    }
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
