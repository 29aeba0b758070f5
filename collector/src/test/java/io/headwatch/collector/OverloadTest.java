package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.headwatch.collector.ingest.IngestQueue;
import io.headwatch.collector.ingest.RequestLimits;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.headwatch.collector.receiver.OtlpHttpHandler;
import io.prometheus.client.CollectorRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/** A full ingest queue answers 503 with Retry-After, as OTLP asks of an overloaded server. */
class OverloadTest {
  @Test
  void fullQueueIs503WithRetryAfter() throws Exception {
    CollectorRegistry registry = new CollectorRegistry();
    SelfMetrics self = new SelfMetrics(registry);
    IngestQueue queue = new IngestQueue(1, 1 << 20); // no worker drains it
    QueuedThreadPool pool = HttpServerFactory.pool("test-otlp", 8);
    Server server =
        HttpServerFactory.create(
            pool,
            "127.0.0.1",
            0,
            new OtlpHttpHandler(
                new OtlpHttpHandler.Settings(
                    1 << 20, 1000, new RequestLimits(100, 100, 1000), 1 << 20, 60_000, ""),
                queue,
                null,
                self,
                System::currentTimeMillis,
                pool),
            HttpServerFactory.Limits.DEFAULT,
            OtlpHttpHandler::errorBody);
    server.start();
    try {
      byte[] body =
          Fixtures.span(Fixtures.traceId(1), Fixtures.spanId(1), "m", 1, 1, 1).toByteArray();
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + HttpServerFactory.port(server) + "/v1/traces"))
              .header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      // The first request waits in the queue: it is answered only once applied, which never
      // happens here.
      CompletableFuture<HttpResponse<Void>> first =
          TestCollector.HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding());
      TestCollector.await(Duration.ofSeconds(60), "first request queued", () -> queue.size() == 1);
      HttpResponse<Void> r = TestCollector.HTTP.send(req, HttpResponse.BodyHandlers.discarding());
      assertEquals(503, r.statusCode());
      assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
      assertEquals(
          1.0,
          registry.getSampleValue(
              "headwatch_collector_rejected_total",
              new String[] {"signal", "reason"},
              new String[] {"traces", "overloaded"}));
      // Stopping fails what still waits: the first request is answered 503 too.
      queue.failWaiting(new IllegalStateException("stopping"));
      assertEquals(503, first.get(60, TimeUnit.SECONDS).statusCode());
    } finally {
      server.stop();
    }
  }
}
