package io.headwatch.collector.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes a connection whose request headers take longer than header-timeout in total. Jetty's idle
 * timeout restarts with every byte, so a client sending one byte of a request line every few
 * seconds would hold its connection for ever; this deadline counts from when the connection opened
 * (or from when a request line began, on a kept-alive connection) and no trickle extends it.
 * Connections waiting idle between requests are left to the idle timeout.
 *
 * <p>Once a second it looks at each connection's HTTP parser state ({@link HttpConnection} is
 * Jetty's internal class; its parser is public API).
 */
public final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
  private final long deadlineNanos;
  private final Map<Connection, Long> since = new ConcurrentHashMap<>();
  private final AtomicLong closed = new AtomicLong();
  private ScheduledExecutorService sweeper;

  public HeaderDeadline(long deadlineMillis) {
    this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
  }

  @Override
  public void onOpened(Connection connection) {
    since.put(connection, System.nanoTime());
  }

  @Override
  public void onClosed(Connection connection) {
    since.remove(connection);
  }

  @Override
  protected void doStart() {
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "headwatch-header-deadline");
              t.setDaemon(true);
              return t;
            });
    sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  protected void doStop() {
    sweeper.shutdownNow();
  }

  /** Connections closed because their headers were late. */
  public long closed() {
    return closed.get();
  }

  void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<Connection, Long> e : since.entrySet()) {
      Connection c = e.getKey();
      if (!(c instanceof HttpConnection http)) {
        continue;
      }
      if (!waitingForHeaders(http)) {
        // Mid-request or idle between requests: the clock restarts when headers begin.
        e.setValue(Long.MIN_VALUE);
        continue;
      }
      long start = e.getValue();
      if (start == Long.MIN_VALUE) {
        e.setValue(now);
      } else if (now - start > deadlineNanos) {
        closed.incrementAndGet();
        c.getEndPoint().close();
      }
    }
  }

  /**
   * A request line or headers are being received, or a new connection has not sent a whole request
   * yet.
   */
  private static boolean waitingForHeaders(HttpConnection http) {
    HttpParser.State state = http.getParser().getState();
    if (state == HttpParser.State.START) {
      return http.getMessagesIn() == 0;
    }
    return state.ordinal() < HttpParser.State.CONTENT.ordinal();
  }
}
