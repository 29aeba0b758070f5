package io.headwatch.collector;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Builds the collector's Jetty servers: one connector each, a bounded thread pool. */
final class HttpServerFactory {
  private HttpServerFactory() {}

  /** A bounded pool of daemon threads named after the server. */
  static QueuedThreadPool pool(String name, int maxThreads) {
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, 2);
    pool.setName(name);
    pool.setDaemon(true);
    return pool;
  }

  static Server create(String name, String host, int port, int maxThreads, Handler handler) {
    return create(pool(name, maxThreads), host, port, handler);
  }

  static Server create(QueuedThreadPool pool, String host, int port, Handler handler) {
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Model names such as "org/model" arrive as one path segment encoded with %2F.
    http.setUriCompliance(
        UriCompliance.DEFAULT.with("headwatch", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(5_000);
    return server;
  }

  static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }
}
