package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.headwatch.collector.store.PredictionDetail;
import io.headwatch.collector.store.PredictionQuery;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.store.PredictionSummary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a collector JVM while it ingests leaves a store that opens and answers queries. */
class KillDuringIngestTest {
  private static final Pattern PORTS =
      Pattern.compile(
          "OTLP/HTTP on 127\\.0\\.0\\.1:(\\d+), API and /metrics on 127\\.0\\.0\\.1:(\\d+)");
  @TempDir Path dir;

  @Test
  void storeIsUsableAfterKillMinus9() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--otlp-port",
                "0",
                "--http-port",
                "0",
                "--data-dir",
                dir.resolve("store").toString())
            .redirectError(dir.resolve("child.err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("HEADWATCH_COLLECTOR_"));
    Process child = pb.start();
    AtomicInteger accepted = new AtomicInteger();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      Matcher m = PORTS.matcher(line == null ? "" : line);
      assertTrue(
          m.find(),
          "collector start line: "
              + line
              + "; stderr: "
              + Files.readString(dir.resolve("child.err")));
      URI logs = URI.create("http://127.0.0.1:" + m.group(1) + "/v1/logs");

      Thread sender =
          new Thread(
              () -> {
                for (int i = 0; i < 100_000 && child.isAlive(); i++) {
                  double[] entropy = new double[16 * 12];
                  Arrays.fill(entropy, (i % 10) / 10.0);
                  byte[] body =
                      Fixtures.snapshot(
                              Fixtures.traceId(i),
                              Fixtures.spanId(i),
                              "kill-model",
                              1_700_000_000_000_000_000L + i,
                              16,
                              12,
                              Map.of("entropy", entropy, "sink_mass", entropy))
                          .toByteArray();
                  try {
                    HttpResponse<Void> r =
                        TestCollector.HTTP.send(
                            HttpRequest.newBuilder(logs)
                                .timeout(Duration.ofSeconds(5))
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                      accepted.incrementAndGet();
                    }
                  } catch (Exception e) {
                    return; // the child is gone
                  }
                }
              },
              "kill-test-sender");
      sender.start();
      TestCollector.await(
          Duration.ofSeconds(30), "ingestion under way", () -> accepted.get() >= 300);
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no store close
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
      sender.join(10_000);
    } finally {
      child.destroyForcibly();
    }

    try (PredictionStore store = PredictionStore.open(dir.resolve("store"))) {
      long count = store.predictionCount();
      assertTrue(
          count > 0 && count <= accepted.get(),
          "stored " + count + " of " + accepted.get() + " accepted");
      List<PredictionSummary> newest =
          store.find(
              new PredictionQuery(null, null, "kill-model", null, PredictionQuery.Order.TIME, 5));
      assertEquals(5, newest.size());
      PredictionDetail d = store.byId(newest.get(0).id()).orElseThrow();
      assertEquals(1, d.snapshots().size());
      assertEquals(16 * 12, d.snapshots().get(0).statistics().attention().get("entropy").length);
    }
    // And a collector starts on it and keeps storing.
    try (TestCollector c = TestCollector.start(dir.resolve("store"))) {
      String trace = Fixtures.traceId(999_999);
      c.post(
          "/v1/logs",
          "application/x-protobuf",
          null,
          Fixtures.snapshot(
                  trace,
                  Fixtures.spanId(1),
                  "kill-model",
                  1_800_000_000_000_000_000L,
                  1,
                  1,
                  Map.of("entropy", new double[] {0.5}))
              .toByteArray());
      TestCollector.await(
          Duration.ofSeconds(10),
          "write after restart",
          () -> {
            try {
              return c.get("/api/predictions/" + trace).statusCode() == 200;
            } catch (Exception e) {
              return false;
            }
          });
    }
  }
}
