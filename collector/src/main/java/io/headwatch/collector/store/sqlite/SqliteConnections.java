package io.headwatch.collector.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The store's SQLite connections: one writer, used under a lock, and a few readers lent to API
 * threads. In WAL mode readers never wait for the writer and always see the last commit.
 */
final class SqliteConnections implements AutoCloseable {
  private static final int READERS = 4;
  private static final long BORROW_SECONDS = 30;

  private final Connection writer;
  private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
  private final List<Connection> all = new ArrayList<>();

  private SqliteConnections(Connection writer) {
    this.writer = writer;
    all.add(writer);
  }

  /**
   * Opens the database file in WAL mode. {@code fullSync}: every commit waits for the disk (fsync
   * of the WAL), so a power loss keeps it too; otherwise commits survive a crash of the process but
   * the last ones may be lost with the machine.
   */
  static SqliteConnections open(Path file, boolean fullSync) throws SQLException {
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    Connection writer = connect(url, fullSync);
    SqliteConnections c = new SqliteConnections(writer);
    try {
      if (StoreSchema.applied(writer) == 0) {
        // A new file: lets retention hand freed pages back to the file system. The setting takes
        // effect on an empty database only through VACUUM (WAL mode has written its header).
        try (Statement st = writer.createStatement()) {
          st.execute("PRAGMA auto_vacuum = INCREMENTAL");
          st.execute("VACUUM");
        }
      }
      StoreSchema.migrate(writer);
      for (int i = 0; i < READERS; i++) {
        Connection r = connect(url, fullSync);
        c.all.add(r);
        c.readers.add(r);
      }
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  private static Connection connect(String url, boolean fullSync) throws SQLException {
    Properties p = new Properties();
    // Pragmas the driver applies on each new connection.
    p.setProperty("journal_mode", "WAL");
    p.setProperty("synchronous", fullSync ? "FULL" : "NORMAL");
    p.setProperty("foreign_keys", "true");
    p.setProperty("busy_timeout", "30000");
    return DriverManager.getConnection(url, p);
  }

  /** The writer connection; callers hold the store's write lock. */
  Connection writer() {
    return writer;
  }

  /** A reader, waiting up to 30 s for one to be free; give it back with {@link #release}. */
  Connection borrow() throws SQLException {
    try {
      Connection c = readers.poll(BORROW_SECONDS, TimeUnit.SECONDS);
      if (c == null) {
        throw new SQLException("no free store reader within " + BORROW_SECONDS + " s");
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a store reader");
    }
  }

  void release(Connection c) {
    readers.add(c);
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }
}
