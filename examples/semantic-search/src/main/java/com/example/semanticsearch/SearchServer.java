package com.example.semanticsearch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP front end for a {@link SemanticIndex}, built on the JDK's {@code
 * com.sun.net.httpserver}.
 *
 * <ul>
 *   <li>{@code GET /search?q=TEXT&k=5} &rarr; JSON results
 *   <li>{@code GET /} &rarr; an HTML page with a search form (and results when {@code q} is given)
 *   <li>{@code GET /healthz} &rarr; {@code ok}
 * </ul>
 */
public final class SearchServer implements AutoCloseable {

  /** Longest accepted query, in characters. */
  public static final int MAX_QUERY_CHARS = 1000;

  /** Largest accepted {@code k}. */
  public static final int MAX_K = 50;

  private static final int WORKER_THREADS = 4;
  private static final String JSON = "application/json; charset=utf-8";
  private static final String HTML = "text/html; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final SemanticIndex index;
  private final int defaultK;
  private final HttpServer server;
  private final ExecutorService workers;
  private final String host;
  private final PrintStream log;
  private final AtomicInteger stopped = new AtomicInteger();

  private SearchServer(
      SemanticIndex index,
      int defaultK,
      HttpServer server,
      ExecutorService workers,
      String host,
      PrintStream log) {
    this.index = index;
    this.defaultK = defaultK;
    this.server = server;
    this.workers = workers;
    this.host = host;
    this.log = log;
  }

  /**
   * Binds {@code host:port} (port 0 picks a free port) and starts serving.
   *
   * @param defaultK number of results when a request has no {@code k}; 1 to {@link #MAX_K}
   * @param log where request failures are reported
   */
  public static SearchServer start(
      SemanticIndex index, String host, int port, int defaultK, PrintStream log)
      throws IOException {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(log, "log");
    if (defaultK < 1 || defaultK > MAX_K) {
      throw new IllegalArgumentException(
          "defaultK must be between 1 and " + MAX_K + ", got " + defaultK);
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IOException("cannot resolve host '" + host + "'");
    }
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService workers =
        Executors.newFixedThreadPool(WORKER_THREADS, new NamedThreads("http-worker-"));
    server.setExecutor(workers);
    SearchServer s = new SearchServer(index, defaultK, server, workers, host, log);
    server.createContext("/", s::handle);
    server.start();
    return s;
  }

  /** The address actually bound (with the real port when 0 was requested). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return "http://" + h + ":" + address().getPort();
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (up to a second), and frees the
   * threads.
   */
  @Override
  public void close() {
    if (stopped.getAndIncrement() != 0) {
      return;
    }
    server.stop(1);
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, TEXT, "method not allowed: " + method + "\n", false);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      try {
        switch (path) {
          case "/search" -> search(exchange, head);
          case "/healthz" -> send(exchange, 200, TEXT, "ok", head);
          case "/", "/index.html" -> page(exchange, head);
          default -> send(exchange, 404, TEXT, "not found: " + path + "\n", head);
        }
      } catch (BadRequest e) {
        if ("/search".equals(path)) {
          send(exchange, 400, JSON, Json.error(e.getMessage()), head);
        } else {
          send(exchange, 400, TEXT, e.getMessage() + "\n", head);
        }
      } catch (RuntimeException e) {
        log.println("error handling " + method + " " + exchange.getRequestURI() + ": " + e);
        send(
            exchange,
            500,
            "/search".equals(path) ? JSON : TEXT,
            "/search".equals(path) ? Json.error("internal error") : "internal error\n",
            head);
      }
    }
  }

  private void search(HttpExchange exchange, boolean head) throws IOException, BadRequest {
    Map<String, String> params = params(exchange);
    String q = query(params, true);
    int k = k(params);
    List<SearchResult> results = index.search(q, k);
    send(exchange, 200, JSON, Json.results(q, results), head);
  }

  private void page(HttpExchange exchange, boolean head) throws IOException {
    String q = null;
    int k = defaultK;
    String error = null;
    List<SearchResult> results = List.of();
    try {
      Map<String, String> params = params(exchange);
      q = query(params, false);
      k = k(params);
      if (q != null) {
        results = index.search(q, k);
      }
    } catch (BadRequest e) {
      error = e.getMessage();
    }
    send(exchange, error == null ? 200 : 400, HTML, Html.page(q, k, results, error), head);
  }

  /** The {@code q} parameter, validated; null when absent and not required. */
  private static String query(Map<String, String> params, boolean required) throws BadRequest {
    String q = params.get("q");
    if (q == null || (!required && q.isBlank())) {
      if (required) {
        throw new BadRequest("missing required parameter 'q'");
      }
      return null;
    }
    if (q.isBlank()) {
      throw new BadRequest("parameter 'q' must not be blank");
    }
    if (q.length() > MAX_QUERY_CHARS) {
      throw new BadRequest(
          "parameter 'q' is too long: "
              + q.length()
              + " characters (at most "
              + MAX_QUERY_CHARS
              + " allowed)");
    }
    return q;
  }

  private int k(Map<String, String> params) throws BadRequest {
    String raw = params.get("k");
    if (raw == null || raw.isEmpty()) {
      return defaultK;
    }
    int k;
    try {
      k = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      k = -1;
    }
    if (k < 1 || k > MAX_K) {
      throw new BadRequest(
          "parameter 'k' must be an integer from 1 to "
              + MAX_K
              + ", got '"
              + abbreviate(raw)
              + "'");
    }
    return k;
  }

  /** Decodes the query string; the first occurrence of a name wins. */
  private static Map<String, String> params(HttpExchange exchange) throws BadRequest {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
      String name;
      String value;
      try {
        name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
        value = URLDecoder.decode(rawValue, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new BadRequest(
            "malformed percent-encoding in parameter '" + abbreviate(rawName) + "'");
      }
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static void send(
      HttpExchange exchange, int status, String contentType, String body, boolean head)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if (head) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A client error whose message names the offending parameter. */
  private static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  private static final class NamedThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger(1);

    NamedThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    }
  }
}
