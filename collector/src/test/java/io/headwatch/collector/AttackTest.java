package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory attacks of the red-team report, at once, against a real collector JVM with the
 * documented heap and default settings (and -XX:+ExitOnOutOfMemoryError, so that running out of
 * memory anywhere kills it and fails the test): a snapshot shape of a million heads, 15 label
 * values of 1 MiB, 8 million empty log records in 15 KB of gzip; and within the limits, the largest
 * allowed shapes and label sets in bulk. Meanwhile a client sends valid snapshots (retrying 503 as
 * an SDK does); it must be served during and after, /metrics must keep answering, and the process's
 * resident memory stays bounded.
 */
class AttackTest {
  private static final String PROTO = "application/x-protobuf";
  private static final long HEAP_MIB = 640;
  @TempDir Path dir;

  /**
   * One answered POST. A connection closed before any answer (a kept-alive connection the loaded
   * server was closing as idle) is retried, as the SDK's exporter does, while the collector lives.
   */
  private static HttpResponse<String> post(
      ChildCollector c, String path, String encoding, byte[] body) throws Exception {
    for (int lost = 0; ; lost++) {
      try {
        return postOnce(c, path, encoding, body);
      } catch (IOException e) {
        if (!c.alive() || lost == 5) {
          throw new AssertionError("collector alive: " + c.alive() + "; " + c.output(), e);
        }
      }
    }
  }

  private static HttpResponse<String> postOnce(
      ChildCollector c, String path, String encoding, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(c.otlp(path)))
            .timeout(TestCollector.WAIT)
            .header("Content-Type", PROTO)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return TestCollector.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(ChildCollector c, String path) throws Exception {
    return TestCollector.HTTP.send(
        HttpRequest.newBuilder(URI.create(c.api(path))).timeout(TestCollector.WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
      gz.write(data);
    }
    return b.toByteArray();
  }

  /**
   * An attack request is refused: 400 naming the limit, or 503 when the collector is too busy to
   * even look (limits on what was decoded are checked after the decode was admitted).
   */
  private static void assertRefused(int status) {
    assertTrue(status == 400 || status == 503, "status " + status);
  }

  /** Posts until answered other than 503, retrying 503 as an SDK does; returns the status. */
  private static int postRetrying(ChildCollector c, String path, String encoding, byte[] body)
      throws Exception {
    while (true) {
      HttpResponse<String> r = post(c, path, encoding, body);
      if (r.statusCode() != 503) {
        return r.statusCode();
      }
      Thread.sleep(200);
    }
  }

  private static byte[] labels(int points, int labels, int valueLength, int salt) {
    char[] fill = new char[valueLength];
    Arrays.fill(fill, 'v');
    String value = new String(fill);
    Gauge.Builder g = Gauge.newBuilder();
    for (int p = 0; p < points; p++) {
      NumberDataPoint.Builder dp = NumberDataPoint.newBuilder().setAsDouble(p);
      for (int l = 0; l < labels; l++) {
        dp.addAttributes(Fixtures.kv("l" + l, Fixtures.str(salt + "-" + p + "-" + value)));
      }
      g.addDataPoints(dp);
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(Fixtures.resource("attacker", "a"))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(Metric.newBuilder().setName("attack.labels").setGauge(g))))
        .build()
        .toByteArray();
  }

  private static byte[] emptyLogRecords(int records) throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      long content = records * 2L;
      byte[] scope = varintField(0x12, content);
      out.write(varintField(0x0a, scope.length + content));
      out.write(scope);
      byte[] record = {0x12, 0x00};
      for (int i = 0; i < records; i++) {
        out.write(record);
      }
    }
    return gz.toByteArray();
  }

  private static byte[] varintField(int tag, long length) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(tag);
    long v = length;
    while ((v & ~0x7FL) != 0) {
      b.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.write((int) v);
    return b.toByteArray();
  }

  @Test
  void memoryAttacksLeaveTheCollectorServingAtBoundedMemory() throws Exception {
    try (ChildCollector c =
        ChildCollector.start(
            dir.resolve("store"),
            List.of("-Xmx" + HEAP_MIB + "m", "-XX:+ExitOnOutOfMemoryError"))) {
      AtomicBoolean attacking = new AtomicBoolean(true);
      AtomicInteger servedDuring = new AtomicInteger();
      AtomicLong maxRss = new AtomicLong();
      AtomicLong next = new AtomicLong(1_000_000);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<?>> attacks = new ArrayList<>();
      // 1. A million heads per snapshot: refused.
      attacks.add(
          pool.submit(
              () -> {
                byte[] huge =
                    Fixtures.snapshot(
                            Fixtures.traceId(1),
                            Fixtures.spanId(1),
                            "m",
                            1L,
                            1_000_000,
                            1,
                            Map.of())
                        .toByteArray();
                for (int i = 0; i < 55; i++) {
                  assertRefused(post(c, "/v1/logs", null, huge).statusCode());
                }
                // The largest allowed shape (128 x 128 = max-attention-cells) in bulk, three
                // models.
                double[] cells = new double[128 * 128];
                for (int i = 0; i < 150; i++) {
                  Arrays.fill(cells, i % 7 / 7.0);
                  long n = next.getAndIncrement();
                  byte[] big =
                      Fixtures.snapshot(
                              Fixtures.traceId(n),
                              Fixtures.spanId(n),
                              "wide-" + (i % 3),
                              n,
                              128,
                              128,
                              Map.of("entropy", cells))
                          .toByteArray();
                  assertEquals(200, postRetrying(c, "/v1/logs", null, big));
                }
                return null;
              }));
      // 2. Label values of 1 MiB: refused; then the largest allowed labels in bulk.
      attacks.add(
          pool.submit(
              () -> {
                byte[] mib = gzip(labels(1, 15, 1 << 20, 0));
                for (int i = 0; i < 40; i++) {
                  assertRefused(post(c, "/v1/metrics", "gzip", mib).statusCode());
                }
                for (int i = 0; i < 40; i++) {
                  assertEquals(
                      200, postRetrying(c, "/v1/metrics", "gzip", gzip(labels(60, 15, 15_000, i))));
                }
                return null;
              }));
      // 3. 8 million empty log records in a few kilobytes of gzip: refused.
      attacks.add(
          pool.submit(
              () -> {
                byte[] bomb = emptyLogRecords(8_000_000);
                for (int i = 0; i < 20; i++) {
                  assertRefused(post(c, "/v1/logs", "gzip", bomb).statusCode());
                }
                return null;
              }));
      // Meanwhile: a valid client, and /metrics scrapes, and the resident set size.
      Future<?> valid =
          pool.submit(
              () -> {
                while (attacking.get()) {
                  long n = next.getAndIncrement();
                  byte[] ok =
                      Fixtures.snapshot(
                              Fixtures.traceId(n),
                              Fixtures.spanId(n),
                              "valid",
                              n,
                              1,
                              2,
                              Map.of("entropy", new double[] {0.25, 0.5}))
                          .toByteArray();
                  if (postRetrying(c, "/v1/logs", null, ok) == 200) {
                    servedDuring.incrementAndGet();
                  }
                  maxRss.accumulateAndGet(c.rssBytes(), Math::max);
                }
                return null;
              });
      Future<?> scrapes =
          pool.submit(
              () -> {
                while (attacking.get()) {
                  assertEquals(200, get(c, "/metrics").statusCode());
                  maxRss.accumulateAndGet(c.rssBytes(), Math::max);
                }
                return null;
              });
      for (Future<?> f : attacks) {
        f.get(10, TimeUnit.MINUTES);
      }
      attacking.set(false);
      valid.get(10, TimeUnit.MINUTES);
      scrapes.get(10, TimeUnit.MINUTES);
      pool.shutdown();

      assertTrue(c.alive(), c.output());
      assertTrue(servedDuring.get() > 0, "no valid request was served during the attacks");
      long n = next.getAndIncrement();
      assertEquals(
          200,
          post(
                  c,
                  "/v1/logs",
                  null,
                  Fixtures.snapshot(
                          Fixtures.traceId(n),
                          Fixtures.spanId(n),
                          "valid",
                          n,
                          1,
                          2,
                          Map.of("entropy", new double[] {0.25, 0.5}))
                      .toByteArray())
              .statusCode());
      assertEquals(200, get(c, "/api/predictions/" + Fixtures.traceId(n)).statusCode());
      assertEquals(200, get(c, "/health/ready").statusCode());
      String metrics = get(c, "/metrics").body();
      assertTrue(
          metrics.contains("headwatch_collector_dropped_total{reason=\"series_limit\",}"),
          "series bound reached");
      long rss = Math.max(maxRss.get(), c.rssBytes());
      System.out.printf(
          "attacks: %d valid requests served during them; max RSS %d MiB with -Xmx%dm%n",
          servedDuring.get(), rss >> 20, HEAP_MIB);
      assertFalse(c.output().contains("OutOfMemoryError"), c.output());
      if (rss > 0) {
        assertTrue(rss < (HEAP_MIB + 512) << 20, "RSS " + (rss >> 20) + " MiB");
      }
    }
  }
}
