package io.headwatch.collector;

import io.headwatch.collector.http.HeaderDeadline;
import io.headwatch.collector.http.JsonErrorHandler;
import java.time.Duration;
import java.util.function.BiFunction;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the collector's Jetty servers: one connector each, a bounded thread pool, and the defences
 * against slow or many clients: at most {@code maxConnections} open connections, request headers
 * within a total deadline, an idle timeout, and errors in the server's own JSON format.
 */
final class HttpServerFactory {
  /** How each server treats its connections. */
  record Limits(Duration headerTimeout, Duration idleTimeout, int maxConnections) {
    static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 1000);
  }

  private HttpServerFactory() {}

  /** A bounded pool of daemon threads named after the server. */
  static QueuedThreadPool pool(String name, int maxThreads) {
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, 2);
    pool.setName(name);
    pool.setDaemon(true);
    return pool;
  }

  static Server create(
      QueuedThreadPool pool,
      String host,
      int port,
      Handler handler,
      Limits limits,
      BiFunction<Integer, String, String> errorBody) {
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Model names such as "org/model" arrive as one path segment encoded with %2F.
    http.setUriCompliance(
        UriCompliance.DEFAULT.with("headwatch", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    HeaderDeadline headers = new HeaderDeadline(limits.headerTimeout().toMillis());
    connector.addEventListener(headers);
    server.addBean(headers);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.addConnector(connector);
    server.setHandler(handler);
    server.setErrorHandler(new JsonErrorHandler(errorBody));
    server.setStopTimeout(5_000);
    return server;
  }

  static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }
}
