package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pages as HTTP resources: routes, content types, security headers, caching, gzip, methods, and
 * that every file a page loads is in the jar (no network needed). What the pages show is tested in
 * a real browser by the e2e module's *PagesIT.
 */
class WebPagesTest {
  private static final Path WEB = Path.of("src", "main", "resources", "web");
  @TempDir static Path dir;
  private static TestCollector c;

  @BeforeAll
  static void start() throws Exception {
    c =
        TestCollector.start(
            dir, "trace-url-template", "http://jaeger.example:16686/trace/{trace_id}");
  }

  @AfterAll
  static void stop() {
    c.close();
  }

  private static HttpResponse<byte[]> send(String method, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(c.api(path)))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return TestCollector.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource({
    "/, 200, page-models.js",
    "/models, 200, page-models.js",
    "/models/org%2Fbert, 200, page-model.js",
    "/models/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E, 200, page-model.js",
    "/predictions, 200, page-predictions.js",
    "/predictions/4bf92f3577b34da6a3ce929d0e0e474e, 200, page-prediction.js",
    "/predictions/not-a-trace-id, 404, page-prediction.js",
    "/no/such/page, 404, page-not-found.js",
    "/assets/js/no-such-file.js, 404, page-not-found.js"
  })
  void pagesAreHtmlWithAStrictPolicy(String path, int status, String script) throws Exception {
    HttpResponse<byte[]> r = send("GET", path);
    assertEquals(status, r.statusCode(), path);
    assertEquals("text/html;charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
    String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertTrue(csp.contains("default-src 'none'"), csp);
    assertTrue(csp.contains("script-src 'self';"), csp);
    assertFalse(csp.contains("unsafe-inline"), csp);
    assertTrue(csp.contains("require-trusted-types-for 'script'"), csp);
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
    assertTrue(text(r).contains("/assets/js/" + script), path);
  }

  @Test
  void apiAndMetricsAreUnchanged() throws Exception {
    HttpResponse<byte[]> models = send("GET", "/api/models");
    assertEquals(200, models.statusCode());
    assertEquals("application/json", models.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(JsonParser.parseString(text(models)).getAsJsonObject().has("models"));
    HttpResponse<byte[]> unknown = send("GET", "/api/nope");
    assertEquals(404, unknown.statusCode());
    assertTrue(text(unknown).startsWith("{\"error\""), text(unknown));
    for (String probe : List.of("/health/live", "/health/ready")) {
      HttpResponse<byte[]> r = send("GET", probe);
      assertEquals(200, r.statusCode(), probe + ": " + text(r));
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    }
    HttpResponse<byte[]> metrics = send("GET", "/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(text(metrics).contains("headwatch_collector_received_total"));
  }

  @ParameterizedTest
  @CsvSource({
    "/assets/headwatch.css, text/css;charset=utf-8",
    "/assets/js/page-prediction.js, text/javascript;charset=utf-8",
    "/assets/icon.svg, image/svg+xml"
  })
  void assetsHaveTheirTypeAndRevalidateByEtag(String path, String type) throws Exception {
    HttpResponse<byte[]> r = send("GET", path);
    assertEquals(200, r.statusCode());
    assertEquals(type, r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow());
    byte[] expected = Files.readAllBytes(WEB.resolve(path.substring(1)));
    assertArrayEquals(expected, r.body());
    String etag = r.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> again = send("GET", path, "If-None-Match", etag);
    assertEquals(304, again.statusCode());
    assertEquals(0, again.body().length);
    HttpResponse<byte[]> zipped = send("GET", path, "Accept-Encoding", "gzip, deflate");
    assertEquals(200, zipped.statusCode());
    assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElseThrow());
    assertTrue(zipped.body().length < expected.length);
    assertArrayEquals(
        expected, new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes());
    assertTrue(!zipped.headers().firstValue("ETag").orElseThrow().equals(etag));
  }

  @Test
  void onlyGetAndHead() throws Exception {
    HttpResponse<byte[]> post = send("POST", "/models");
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    HttpResponse<byte[]> head = send("HEAD", "/predictions");
    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
  }

  @Test
  void uiConfigCarriesTheTraceLinkTemplate() throws Exception {
    HttpResponse<byte[]> r = send("GET", "/ui/config.json");
    assertEquals(200, r.statusCode());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
    JsonObject o = JsonParser.parseString(text(r)).getAsJsonObject();
    assertEquals(
        "http://jaeger.example:16686/trace/{trace_id}", o.get("trace_url_template").getAsString());
  }

  @Test
  void pathsOutsideTheWebFolderAreNotServed() throws Exception {
    for (String path :
        List.of(
            "/assets/../jetty-logging.properties",
            "/assets/%2e%2e/%2e%2e/io/headwatch/collector/Main.class",
            "/assets/js/Dom.JS",
            "/assets/jetty-logging.properties",
            "/assets/models.html")) {
      HttpResponse<byte[]> r = send("GET", path);
      assertTrue(r.statusCode() == 404 || r.statusCode() == 400, path + " -> " + r.statusCode());
      assertFalse(text(r).contains("org.eclipse.jetty"), path);
      byte[] b = r.body();
      assertFalse(b.length > 4 && (b[0] & 0xff) == 0xca && (b[1] & 0xff) == 0xfe, path);
    }
  }

  /**
   * Every script, style, image and module a page names is served by the collector itself: no CDN,
   * no network. And no script builds markup from strings.
   */
  @Test
  void everyReferencedFileIsServedAndNothingComesFromElsewhere() throws Exception {
    Pattern ref = Pattern.compile("(?:src|href)=\"([^\"]+)\"|from '([^']+)'|import '([^']+)'");
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.walk(WEB)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".html") && !name.endsWith(".js")) {
          continue;
        }
        String body = Files.readString(f);
        Matcher m = ref.matcher(body);
        while (m.find()) {
          String target =
              m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
          if (target.startsWith("http:")
              || target.startsWith("https:")
              || target.startsWith("//")) {
            problems.add(f + " loads " + target);
            continue;
          }
          if (!target.endsWith(".js") && !target.endsWith(".css") && !target.endsWith(".svg")) {
            continue; // page links
          }
          String path =
              target.startsWith("/")
                  ? target
                  : "/" + WEB.relativize(f.getParent().resolve(target).normalize()).toString();
          int status = send("GET", path).statusCode();
          if (status != 200) {
            problems.add(f + " names " + target + " -> " + status);
          }
        }
        for (String forbidden :
            List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")) {
          if (name.endsWith(".js") && body.contains(forbidden)) {
            problems.add(f + " uses " + forbidden);
          }
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }
}
