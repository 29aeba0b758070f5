package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven over the Chrome DevTools Protocol on
 * a WebSocket: no WebDriver, no extra dependency, nothing downloaded. It starts with a fresh
 * profile and background networking off, records every JavaScript dialog, uncaught exception and
 * console error of the page (the tests assert there are none), and offers what the page tests need:
 * navigate, evaluate, wait for a condition, click and type with real input events, and screenshots.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  /** Generous: the machine running the tests may be loaded. */
  static final Duration WAIT = Duration.ofSeconds(90);

  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final Process process;
  private final Path log;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<JsonObject>> awaitedEvents =
      new ConcurrentHashMap<>();
  private final ExecutorService replies = Executors.newSingleThreadExecutor();

  /** Every alert/confirm/prompt the page opened (each is dismissed). */
  final List<String> dialogs = new CopyOnWriteArrayList<>();

  /** Uncaught exceptions and console errors (other than failed network requests). */
  final List<String> problems = new CopyOnWriteArrayList<>();

  /** Checks run while waiting, e.g. that the server under test is still alive. */
  private final List<Runnable> watched = new CopyOnWriteArrayList<>();

  private HeadlessChromium(Process process, Path log, Path profile, WebSocket socket) {
    this.process = process;
    this.log = log;
    this.profile = profile;
    this.socket = socket;
  }

  /** Skips the calling test with a visible message when Chromium is missing; fails under CI. */
  static void requireInstalled() {
    if (Files.isExecutable(BINARY)) {
      return;
    }
    String message =
        "chromium is missing at "
            + BINARY
            + ": the browser tests need it (apt-get install chromium); skipped";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    System.err.println("[WARNING] " + message);
    Assumptions.abort(message);
  }

  /** A browser with one page of {@code width} x {@code height} CSS pixels. */
  static HeadlessChromium start(Path workDir, int width, int height)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(workDir, "chromium-profile");
    Path log = Files.createTempFile(workDir, "chromium", ".log");
    List<String> command =
        List.of(
            BINARY.toString(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--lang=en-US",
            "--window-size=" + width + "," + height,
            "--user-data-dir=" + profile,
            "--remote-debugging-port=0",
            "about:blank");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // Times on the pages are local: UTC makes screenshots the same wherever they are taken.
    builder.environment().put("TZ", "UTC");
    Process process = builder.start();
    String browserUrl = null;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (browserUrl == null && System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("chromium exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        browserUrl = m.group(1);
      } else {
        Thread.sleep(100);
      }
    }
    if (browserUrl == null) {
      process.destroyForcibly();
      fail("chromium did not open its DevTools port:\n" + Files.readString(log));
    }
    URI browser = URI.create(browserUrl);
    String pageSocket = pageWebSocket(browser.getPort());
    Listener listener = new Listener();
    WebSocket socket =
        HTTP.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .buildAsync(URI.create(pageSocket), listener)
            .join();
    HeadlessChromium chromium = new HeadlessChromium(process, log, profile, socket);
    listener.owner = chromium;
    chromium.send("Page.enable", new JsonObject());
    chromium.send("Runtime.enable", new JsonObject());
    chromium.send("Log.enable", new JsonObject());
    JsonObject metrics = new JsonObject();
    metrics.addProperty("width", width);
    metrics.addProperty("height", height);
    metrics.addProperty("deviceScaleFactor", 1);
    metrics.addProperty("mobile", false);
    chromium.send("Emulation.setDeviceMetricsOverride", metrics);
    return chromium;
  }

  private static String pageWebSocket(int port) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    for (JsonElement e : JsonParser.parseString(r.body()).getAsJsonArray()) {
      JsonObject target = e.getAsJsonObject();
      if ("page".equals(target.get("type").getAsString())) {
        return target.get("webSocketDebuggerUrl").getAsString();
      }
    }
    throw new AssertionError("chromium has no page target: " + r.body());
  }

  /** One DevTools command; fails the test with Chromium's error or after {@link #WAIT}. */
  JsonObject send(String method, JsonObject params) {
    int id = nextId.getAndIncrement();
    JsonObject message = new JsonObject();
    message.addProperty("id", id);
    message.addProperty("method", method);
    message.add("params", params);
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    synchronized (socket) {
      socket.sendText(message.toString(), true).join();
    }
    JsonObject reply;
    try {
      reply = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(method + ": no answer from chromium in " + WAIT + dead());
    } catch (Exception e) {
      throw new AssertionError(method + " failed" + dead(), e);
    } finally {
      pending.remove(id);
    }
    if (reply.has("error")) {
      throw new AssertionError(method + " " + params + ": " + reply.get("error"));
    }
    return reply.has("result") ? reply.getAsJsonObject("result") : new JsonObject();
  }

  private String dead() {
    if (process.isAlive()) {
      return "";
    }
    try {
      return "; chromium exited with " + process.exitValue() + ":\n" + Files.readString(log);
    } catch (IOException e) {
      return "; chromium exited with " + process.exitValue();
    }
  }

  /** Runs {@code check} (which throws to fail) on every poll of {@link #waitFor}. */
  void watch(Runnable check) {
    watched.add(check);
  }

  /** Loads a page and waits for its load event (its scripts then fetch their data). */
  void navigate(String url) {
    CompletableFuture<JsonObject> loaded = new CompletableFuture<>();
    awaitedEvents.put("Page.loadEventFired", loaded);
    JsonObject params = new JsonObject();
    params.addProperty("url", url);
    JsonObject result = send("Page.navigate", params);
    if (result.has("errorText")) {
      throw new AssertionError("navigating to " + url + ": " + result.get("errorText"));
    }
    try {
      loaded.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(url + " did not finish loading in " + WAIT + dead(), e);
    } finally {
      awaitedEvents.remove("Page.loadEventFired");
    }
  }

  /** Evaluates a JavaScript expression (promises awaited) and returns its JSON value. */
  JsonElement evaluate(String expression) {
    JsonObject params = new JsonObject();
    params.addProperty("expression", expression);
    params.addProperty("returnByValue", true);
    params.addProperty("awaitPromise", true);
    JsonObject result = send("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new AssertionError(
          "evaluating " + expression + ": " + result.getAsJsonObject("exceptionDetails"));
    }
    JsonObject value = result.getAsJsonObject("result");
    return value.has("value") ? value.get("value") : JsonNull.INSTANCE;
  }

  String text(String expression) {
    JsonElement e = evaluate(expression);
    return e.isJsonNull() ? null : e.getAsString();
  }

  /**
   * Waits until a JavaScript condition holds (an exception counts as not yet), polling; fails after
   * {@link #WAIT} with what the page shows, or at once if Chromium dies.
   */
  void waitFor(String what, String condition) throws InterruptedException {
    String probe =
        "(() => { try { return Boolean(" + condition + "); } catch (e) { return false; } })()";
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("chromium died while waiting for " + what + dead());
      }
      watched.forEach(Runnable::run);
      if (evaluate(probe).getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    fail(
        "timed out after "
            + WAIT
            + " waiting for "
            + what
            + " ("
            + condition
            + ") on "
            + text("location.href")
            + "; the page says: "
            + text("document.body ? document.body.innerText.slice(0, 2000) : ''")
            + "; problems: "
            + problems);
  }

  /** A left click at the centre of the first element matching a CSS selector. */
  void click(String selector) {
    JsonArray point =
        evaluate(
                "(() => { const e = document.querySelector("
                    + jsString(selector)
                    + "); e.scrollIntoView({block: 'center', inline: 'center'});"
                    + " const r = e.getBoundingClientRect();"
                    + " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
            .getAsJsonArray();
    double x = point.get(0).getAsDouble();
    double y = point.get(1).getAsDouble();
    mouse("mouseMoved", x, y);
    mouse("mousePressed", x, y);
    mouse("mouseReleased", x, y);
  }

  /** Moves the pointer (nothing pressed), e.g. off the content before a screenshot. */
  void movePointer(double x, double y) {
    mouse("mouseMoved", x, y);
  }

  private void mouse(String type, double x, double y) {
    JsonObject p = new JsonObject();
    p.addProperty("type", type);
    p.addProperty("x", x);
    p.addProperty("y", y);
    if (!type.equals("mouseMoved")) {
      p.addProperty("button", "left");
      p.addProperty("clickCount", 1);
    }
    send("Input.dispatchMouseEvent", p);
  }

  /** Moves focus to an element, as Tab would. */
  void focus(String selector) {
    evaluate("document.querySelector(" + jsString(selector) + ").focus()");
  }

  /** Types text into the focused element. */
  void type(String text) {
    JsonObject p = new JsonObject();
    p.addProperty("text", text);
    send("Input.insertText", p);
  }

  /** Presses and releases a key: Enter, Tab, ArrowLeft/Right/Up/Down, Home, End. */
  void press(String key) {
    int code =
        switch (key) {
          case "Enter" -> 13;
          case "Tab" -> 9;
          case "ArrowLeft" -> 37;
          case "ArrowUp" -> 38;
          case "ArrowRight" -> 39;
          case "ArrowDown" -> 40;
          case "Home" -> 36;
          case "End" -> 35;
          default -> throw new IllegalArgumentException(key);
        };
    JsonObject down = new JsonObject();
    down.addProperty("type", key.equals("Enter") ? "keyDown" : "rawKeyDown");
    down.addProperty("key", key);
    down.addProperty("code", key);
    down.addProperty("windowsVirtualKeyCode", code);
    if (key.equals("Enter")) {
      down.addProperty("text", "\r");
    }
    send("Input.dispatchKeyEvent", down);
    JsonObject up = new JsonObject();
    up.addProperty("type", "keyUp");
    up.addProperty("key", key);
    up.addProperty("code", key);
    up.addProperty("windowsVirtualKeyCode", code);
    send("Input.dispatchKeyEvent", up);
  }

  /** A PNG of the viewport, or of the whole page. */
  void screenshot(Path file, boolean fullPage) throws IOException {
    JsonObject p = new JsonObject();
    p.addProperty("format", "png");
    if (fullPage) {
      JsonArray size =
          evaluate(
                  "[document.documentElement.scrollWidth,"
                      + " document.documentElement.scrollHeight]")
              .getAsJsonArray();
      JsonObject clip = new JsonObject();
      clip.addProperty("x", 0);
      clip.addProperty("y", 0);
      clip.addProperty("width", size.get(0).getAsInt());
      clip.addProperty("height", size.get(1).getAsInt());
      clip.addProperty("scale", 1);
      p.add("clip", clip);
      p.addProperty("captureBeyondViewport", true);
    }
    byte[] png =
        Base64.getDecoder().decode(send("Page.captureScreenshot", p).get("data").getAsString());
    Files.createDirectories(file.getParent());
    Files.write(file, png);
  }

  /** A PNG of one element (the first matching the selector), scrolled into view. */
  void screenshotElement(String selector, Path file) throws IOException {
    JsonArray box =
        evaluate(
                "(() => { const e = document.querySelector("
                    + jsString(selector)
                    + "); const r = e.getBoundingClientRect();"
                    + " return [r.left + window.scrollX, r.top + window.scrollY, r.width,"
                    + " r.height]; })()")
            .getAsJsonArray();
    JsonObject clip = new JsonObject();
    clip.addProperty("x", box.get(0).getAsDouble());
    clip.addProperty("y", box.get(1).getAsDouble());
    clip.addProperty("width", box.get(2).getAsDouble());
    clip.addProperty("height", box.get(3).getAsDouble());
    clip.addProperty("scale", 1);
    JsonObject p = new JsonObject();
    p.addProperty("format", "png");
    p.add("clip", clip);
    p.addProperty("captureBeyondViewport", true);
    byte[] png =
        Base64.getDecoder().decode(send("Page.captureScreenshot", p).get("data").getAsString());
    Files.createDirectories(file.getParent());
    Files.write(file, png);
  }

  static String jsString(String s) {
    JsonArray a = new JsonArray();
    a.add(s);
    String json = a.toString();
    return json.substring(1, json.length() - 1);
  }

  private void onMessage(JsonObject message) {
    if (message.has("id")) {
      CompletableFuture<JsonObject> f = pending.get(message.get("id").getAsInt());
      if (f != null) {
        f.complete(message);
      }
      return;
    }
    String method = message.get("method").getAsString();
    JsonObject params =
        message.has("params") ? message.getAsJsonObject("params") : new JsonObject();
    CompletableFuture<JsonObject> waiting = awaitedEvents.get(method);
    if (waiting != null) {
      waiting.complete(params);
    }
    switch (method) {
      case "Page.javascriptDialogOpening" -> {
        dialogs.add(params.get("type").getAsString() + ": " + params.get("message").getAsString());
        // Dismissed from another thread: this one delivers the answer.
        replies.execute(
            () -> {
              JsonObject dismiss = new JsonObject();
              dismiss.addProperty("accept", false);
              send("Page.handleJavaScriptDialog", dismiss);
            });
      }
      case "Runtime.exceptionThrown" ->
          problems.add("uncaught: " + params.getAsJsonObject("exceptionDetails"));
      case "Runtime.consoleAPICalled" -> {
        if ("error".equals(params.get("type").getAsString())) {
          problems.add("console.error: " + params.get("args"));
        }
      }
      case "Log.entryAdded" -> {
        JsonObject entry = params.getAsJsonObject("entry");
        String source = entry.get("source").getAsString();
        // A 404 page is a failed request by design; everything else (CSP refusals included) is
        // a problem.
        if ("error".equals(entry.get("level").getAsString()) && !"network".equals(source)) {
          problems.add(source + ": " + entry.get("text").getAsString());
        }
      }
      default -> {}
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      socket.abort();
    }
    replies.shutdownNow();
    // Chromium's own helper processes (renderer, network, GPU) end when the browser does; wait
    // for them too, so that none still writes into the profile while it is deleted.
    List<ProcessHandle> helpers = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    for (ProcessHandle helper : helpers) {
      try {
        helper.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        helper.destroyForcibly();
      }
    }
    try (Stream<Path> files = Files.walk(profile)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // A profile left in target/ is harmless (mvn clean removes it).
    }
  }

  /** Joins WebSocket fragments into messages and hands them to the owner. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private final List<JsonObject> early = new ArrayList<>();
    volatile HeadlessChromium owner;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = JsonParser.parseString(partial.toString()).getAsJsonObject();
        partial.setLength(0);
        HeadlessChromium o = owner;
        if (o == null) {
          early.add(message);
        } else {
          for (JsonObject m : early) {
            o.onMessage(m);
          }
          early.clear();
          o.onMessage(message);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
