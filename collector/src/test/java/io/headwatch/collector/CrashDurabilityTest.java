package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.sqlite.SqliteStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 means durable. Real collector JVMs are killed with SIGKILL while several clients send
 * snapshots as fast as they can; every prediction a client saw answered 200 must be in the store
 * afterwards, and the store must pass SQLite's integrity check and keep working. Each round kills
 * once a number of new acknowledgements has been counted (a condition, not a time).
 */
class CrashDurabilityTest {
  private static final int ROUNDS = 5;
  private static final int ACKS_PER_ROUND = 300;
  private static final int SENDERS = 4;
  @TempDir Path dir;

  /** Clients that send one snapshot per request and remember which ones were answered 200. */
  private static final class Senders {
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicLong next;
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Thread> threads = new ArrayList<>();

    Senders(AtomicLong next) {
      this.next = next;
    }

    void start(ChildCollector child) {
      URI logs = URI.create(child.otlp("/v1/logs"));
      for (int t = 0; t < SENDERS; t++) {
        Thread th =
            new Thread(
                () -> {
                  while (!stop.get() && child.alive()) {
                    long n = next.getAndIncrement();
                    String trace = Fixtures.traceId(n);
                    try {
                      HttpResponse<Void> r =
                          TestCollector.HTTP.send(
                              HttpRequest.newBuilder(logs)
                                  .timeout(Duration.ofSeconds(120))
                                  .header("Content-Type", "application/x-protobuf")
                                  .POST(HttpRequest.BodyPublishers.ofByteArray(snapshot(n, trace)))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding());
                      if (r.statusCode() == 200) {
                        acknowledged.add(trace);
                      }
                    } catch (Exception e) {
                      // The collector is gone (or going): this request was never acknowledged.
                    }
                  }
                },
                "crash-test-sender-" + t);
        th.start();
        threads.add(th);
      }
    }

    void stopAndJoin() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      threads.clear();
      stop.set(false);
    }
  }

  static byte[] snapshot(long n, String trace) {
    double[] entropy = new double[16 * 12];
    Arrays.fill(entropy, (n % 10) / 10.0);
    return Fixtures.snapshot(
            trace,
            Fixtures.spanId(n),
            "crash-model",
            1_700_000_000_000_000_000L + n,
            16,
            12,
            Map.of("entropy", entropy, "sink_mass", entropy))
        .toByteArray();
  }

  /** Opens the store in this JVM (the child is dead) and checks every acknowledged prediction. */
  private static void assertAllStored(Path store, Set<String> acknowledged, String when)
      throws Exception {
    try (SqliteStore s = SqliteStore.open(store, true)) {
      assertEquals("ok", s.integrityCheck(), when);
      List<String> lost = new ArrayList<>();
      for (String trace : acknowledged) {
        Optional<PredictionDetail> d = s.byTraceId(trace);
        if (d.isEmpty() || d.get().snapshots().size() != 1) {
          lost.add(trace);
        }
      }
      assertTrue(
          lost.isEmpty(),
          when + ": " + lost.size() + " of " + acknowledged.size() + " acknowledged lost: " + lost);
      assertTrue(s.predictionCount() >= acknowledged.size(), when);
    }
  }

  @Test
  void killMinus9DuringFullSpeedIngestLosesNoAcknowledgedPrediction() throws Exception {
    Path store = dir.resolve("store");
    AtomicLong next = new AtomicLong();
    Senders senders = new Senders(next);
    for (int round = 1; round <= ROUNDS; round++) {
      int before = senders.acknowledged.size();
      long t0;
      try (ChildCollector child = ChildCollector.start(store, "256m")) {
        t0 = System.nanoTime();
        senders.start(child);
        child.await(
            "round " + round + ": " + ACKS_PER_ROUND + " more acknowledgements",
            () -> senders.acknowledged.size() >= before + ACKS_PER_ROUND);
        child.kill9();
        senders.stopAndJoin();
      }
      int acked = senders.acknowledged.size() - before;
      System.out.printf(
          "crash round %d: %d acknowledged (%.0f/s) before SIGKILL, %d sent%n",
          round, acked, acked / ((System.nanoTime() - t0) / 1e9), next.get());
      assertAllStored(store, senders.acknowledged, "after kill -9 round " + round);
    }
  }

  @Test
  void sigtermDuringIngestAnswersAndKeepsEverythingAcknowledged() throws Exception {
    Path store = dir.resolve("store");
    Senders senders = new Senders(new AtomicLong());
    try (ChildCollector child = ChildCollector.start(store, "256m")) {
      senders.start(child);
      child.await(
          ACKS_PER_ROUND + " acknowledgements",
          () -> senders.acknowledged.size() >= ACKS_PER_ROUND);
      assertEquals(143, child.sigterm(), child.output());
      senders.stopAndJoin();
      assertTrue(child.output().contains("stopped, store closed"), child.output());
    }
    assertAllStored(store, senders.acknowledged, "after SIGTERM");
    // And a collector started on that store serves them.
    try (ChildCollector child = ChildCollector.start(store, "256m")) {
      String any = senders.acknowledged.iterator().next();
      HttpResponse<String> r =
          TestCollector.HTTP.send(
              HttpRequest.newBuilder(URI.create(child.api("/api/predictions/" + any))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
  }
}
