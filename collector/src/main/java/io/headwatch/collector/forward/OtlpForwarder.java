package io.headwatch.collector.forward;

import io.headwatch.collector.prometheus.SelfMetrics;
import io.headwatch.collector.queue.ByteBoundedQueue;
import io.headwatch.collector.queue.SupervisedWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every accepted export request, byte for byte with its content type and encoding, to an
 * upstream OTLP/HTTP endpoint (for example an OpenTelemetry Collector). A queue bounded by requests
 * and bytes, and one sender thread keep a slow upstream from slowing agents: overflow and failures
 * are dropped and counted ({@code
 * headwatch_collector_dropped_total{reason="forward_queue_full"|"forward_failed"}}).
 */
public final class OtlpForwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpForwarder.class);

  private record Item(String path, String contentType, String contentEncoding, byte[] body) {}

  private final String endpoint;
  private final Duration timeout;
  private final SelfMetrics self;
  private final ByteBoundedQueue<Item> queue;
  private final HttpClient client;
  private final SupervisedWorker worker;
  private volatile boolean stopping;
  private boolean failureLogged;

  public OtlpForwarder(
      String endpoint, int maxRequests, long maxBytes, Duration timeout, SelfMetrics self) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.self = self;
    this.queue = new ByteBoundedQueue<>(maxRequests, maxBytes);
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    // Supervised: if anything escapes the loop it is counted and started again.
    this.worker =
        new SupervisedWorker("headwatch-forward", this::run, () -> self.workerRestarted("forward"));
    this.worker.start();
  }

  /** Queues one request; counts a drop if the queue is full. */
  public void offer(String path, String contentType, String contentEncoding, byte[] body) {
    if (!queue.offer(new Item(path, contentType, contentEncoding, body), body.length)) {
      self.dropped("forward_queue_full");
    }
  }

  private void run() {
    while (!stopping || !queue.isEmpty()) {
      Item item;
      try {
        item = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (item != null) {
        send(item);
      }
    }
  }

  private void send(Item item) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(endpoint + item.path()))
            .timeout(timeout)
            .header("Content-Type", item.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(item.body()));
    if (item.contentEncoding() != null) {
      b.header("Content-Encoding", item.contentEncoding());
    }
    try {
      HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 != 2) {
        fail(item.path() + " answered HTTP " + r.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      fail(item.path() + ": " + e);
    }
  }

  private void fail(String why) {
    self.dropped("forward_failed");
    if (!failureLogged) {
      failureLogged = true;
      LOG.warn("forwarding to {} failed ({}); further failures are only counted", endpoint, why);
    }
  }

  /** Sends what is queued (bounded by the timeout), then stops. */
  @Override
  public void close() {
    stopping = true;
    try {
      worker.join(timeout.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
