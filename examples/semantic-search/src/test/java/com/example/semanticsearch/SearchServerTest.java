package com.example.semanticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SearchServerTest {

  private static SearchServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() throws IOException {
    server =
        SearchServer.start(
            SharedIndex.get(),
            "127.0.0.1",
            0,
            5,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpResponse<String> get(String pathAndQuery)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String rawGet(String pathAndQuery) throws IOException {
    try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void listensOnAnEphemeralLoopbackPort() {
    assertNotEquals(0, server.address().getPort());
    assertTrue(server.address().getAddress().isLoopbackAddress());
    assertTrue(server.url().startsWith("http://127.0.0.1:"), server.url());
  }

  @Test
  void searchReturnsJsonResults() throws Exception {
    String q = "I want my money back for something I bought, how do I return the payment?";
    HttpResponse<String> r = get("/search?q=" + enc(q) + "&k=3");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    String body = r.body();
    assertTrue(
        body.startsWith("{\"query\":\"" + q + "\",\"results\":[{\"rank\":1,\"score\":"), body);

    Matcher ranks =
        Pattern.compile("\"rank\":(\\d+),\"score\":([-0-9.E]+),\"id\":(\\d+),\"text\":\"")
            .matcher(body);
    int count = 0;
    int firstId = -1;
    while (ranks.find()) {
      count++;
      assertEquals(Integer.toString(count), ranks.group(1));
      Double.parseDouble(ranks.group(2));
      if (count == 1) {
        firstId = Integer.parseInt(ranks.group(3));
      }
    }
    assertEquals(3, count, body);
    assertEquals(SharedIndex.get().search(q, 1).get(0).id(), firstId);
    assertTrue(body.contains("To get a refund, open Order History"), body);
  }

  @Test
  void defaultKIsFive() throws Exception {
    HttpResponse<String> r = get("/search?q=" + enc("lost luggage at the airport"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(5, r.body().split("\"rank\":", -1).length - 1);
  }

  @Test
  void badRequestsAreRejectedWithTheParameterNamed() throws Exception {
    HttpResponse<String> r = get("/search?q=hello&k=51");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("'k'") && r.body().contains("51"), r.body());

    r = get("/search?q=hello&k=abc");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("'k'"), r.body());

    r = get("/search?k=3");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("'q'"), r.body());

    r = get("/search?q=" + "a".repeat(SearchServer.MAX_QUERY_CHARS + 1));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("'q'") && r.body().contains("too long"), r.body());

    // a malformed escape: java.net.URI refuses to build this URL, so send it by hand
    String raw = rawGet("/search?q=%E0%A4%A&k=2");
    assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
  }

  @Test
  void longestAllowedQueryIsAccepted() throws Exception {
    HttpResponse<String> r = get("/search?k=1&q=" + "b".repeat(SearchServer.MAX_QUERY_CHARS));
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void healthAndPageAndUnknownPath() throws Exception {
    HttpResponse<String> health = get("/healthz");
    assertEquals(200, health.statusCode());
    assertEquals("ok", health.body());

    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<form"), page.body());

    HttpResponse<String> withResults = get("/?q=" + enc("how do I reset my password") + "&k=2");
    assertEquals(200, withResults.statusCode());
    assertTrue(withResults.body().contains("Forgot Password"), withResults.body());

    assertEquals(404, get("/nope").statusCode());

    HttpRequest post =
        HttpRequest.newBuilder(URI.create(server.url() + "/search"))
            .POST(HttpRequest.BodyPublishers.ofString("q=x"))
            .build();
    assertEquals(405, client.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
  }
}
