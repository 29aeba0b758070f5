package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.headwatch.collector.config.CollectorConfig;
import io.headwatch.collector.config.Setting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/** A collector on ephemeral 127.0.0.1 ports with a test data dir, plus HTTP helpers. */
final class TestCollector implements AutoCloseable {
  /**
   * How long a test waits for a condition, a connection or an answer before it fails: generous, so
   * that a loaded machine is slow, not red.
   */
  static final Duration WAIT = Duration.ofSeconds(120);

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

  final HeadwatchCollector collector;
  final Path dataDir;

  private TestCollector(HeadwatchCollector collector, Path dataDir) {
    this.collector = collector;
    this.dataDir = dataDir;
  }

  static CollectorConfig config(Path dataDir, String... overrides) throws Exception {
    CollectorConfig c =
        CollectorConfig.defaults()
            .with(Setting.OTLP_PORT, "0")
            .with(Setting.HTTP_PORT, "0")
            .with(Setting.DATA_DIR, dataDir.toString());
    for (int i = 0; i < overrides.length; i += 2) {
      c = c.with(settingByKey(overrides[i]), overrides[i + 1]);
    }
    return c;
  }

  static TestCollector start(Path dataDir, String... overrides) throws Exception {
    return new TestCollector(HeadwatchCollector.start(config(dataDir, overrides)), dataDir);
  }

  /** A collector whose time is {@code clock}'s (retention, series expiry, receive times). */
  static TestCollector start(Path dataDir, Clock clock, String... overrides) throws Exception {
    return new TestCollector(HeadwatchCollector.start(config(dataDir, overrides), clock), dataDir);
  }

  private static Setting settingByKey(String key) {
    for (Setting s : Setting.values()) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    throw new IllegalArgumentException(key);
  }

  String otlp(String path) {
    return "http://127.0.0.1:" + collector.otlpPort() + path;
  }

  String api(String path) {
    return "http://127.0.0.1:" + collector.httpPort() + path;
  }

  HttpResponse<byte[]> post(String path, String contentType, String encoding, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(otlp(path)))
            .timeout(WAIT)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(api(path))).timeout(WAIT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonElement getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    assertEquals(200, r.statusCode(), () -> path + " -> " + r.body());
    return JsonParser.parseString(r.body());
  }

  /** /metrics as series text (labels without simpleclient's trailing comma) → value. */
  Map<String, Double> metrics() throws IOException, InterruptedException {
    HttpResponse<String> r = get("/metrics");
    assertEquals(200, r.statusCode());
    Map<String, Double> out = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int sp = line.lastIndexOf(' ');
      out.put(line.substring(0, sp).replace(",}", "}"), Double.parseDouble(line.substring(sp + 1)));
    }
    return out;
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  /** Polls until {@code condition} holds or fails after {@code timeout}. */
  static void await(Duration timeout, String what, Supplier<Boolean> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (RuntimeException e) {
        // not there yet
      }
      Thread.sleep(20);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  @Override
  public void close() {
    collector.close();
  }
}
