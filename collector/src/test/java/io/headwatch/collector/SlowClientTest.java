package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients cannot starve others. 500 connections trickle request headers and 13 trickle a body,
 * a byte at a time: while they do, a valid export is answered 200; the header deadline and the body
 * deadline (408) then close every one of them, however often they send a byte.
 */
class SlowClientTest {
  private static final int SLOW_HEADERS = 500;
  private static final int SLOW_BODIES = 13;
  @TempDir Path dir;

  /** A connection the test trickles bytes into; it remembers what came back. */
  private static final class Trickler {
    final SocketChannel channel;
    final byte[] script;
    int sent;
    boolean closedByServer;
    final StringBuilder answer = new StringBuilder();

    Trickler(int port, String script) throws IOException {
      this.channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      this.channel.configureBlocking(false);
      this.script = script.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends the next byte (never the last one of the script) and reads what has come back. */
    void step() {
      if (closedByServer) {
        return;
      }
      try {
        ByteBuffer in = ByteBuffer.allocate(4096);
        int n;
        while ((n = channel.read(in)) > 0) {
          answer.append(new String(in.array(), 0, n, StandardCharsets.ISO_8859_1));
          in.clear();
        }
        if (n < 0) {
          closedByServer = true;
          return;
        }
        if (sent < script.length - 1) {
          channel.write(ByteBuffer.wrap(script, sent, 1));
          sent++;
        }
      } catch (IOException e) {
        closedByServer = true;
      }
    }
  }

  @Test
  void slowHeadersAndSlowBodiesDoNotStarveAValidRequest() throws Exception {
    try (TestCollector c =
        TestCollector.start(dir, "header-timeout", "10s", "body-timeout", "15s")) {
      int port = c.collector.otlpPort();
      List<Trickler> headers = new ArrayList<>();
      List<Trickler> bodies = new ArrayList<>();
      try {
        for (int i = 0; i < SLOW_HEADERS; i++) {
          headers.add(
              new Trickler(
                  port,
                  "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                      + "X-Padding: "
                      + "p".repeat(2000)
                      + "\r\n\r\n"));
        }
        for (int i = 0; i < SLOW_BODIES; i++) {
          bodies.add(
              new Trickler(
                  port,
                  "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                      + "Content-Length: 100000\r\n\r\n"
                      + "b".repeat(100_000)));
        }
        List<Trickler> all = new ArrayList<>(headers);
        all.addAll(bodies);
        // Body tricklers first deliver their headers quickly, then trickle.
        for (Trickler t : bodies) {
          while (t.sent < t.script.length - 100_000 && !t.closedByServer) {
            t.step();
          }
        }
        for (Trickler t : all) {
          t.step();
        }
        // While every slow connection is open, a valid request is served.
        long t0 = System.nanoTime();
        String trace = Fixtures.traceId(11);
        assertEquals(
            200,
            c.post(
                    "/v1/logs",
                    "application/x-protobuf",
                    null,
                    Fixtures.snapshot(
                            trace,
                            Fixtures.spanId(11),
                            "m",
                            1L,
                            1,
                            1,
                            Map.of("entropy", new double[] {0.5}))
                        .toByteArray())
                .statusCode());
        System.out.printf(
            "valid request during the slow-client attack: %.0f ms; slow connections still open:"
                + " %d of %d%n",
            (System.nanoTime() - t0) / 1e6,
            all.stream().filter(t -> !t.closedByServer).count(),
            all.size());
        // Keep trickling: the deadlines close them all anyway.
        TestCollector.await(
            TestCollector.WAIT,
            "every slow connection closed by the collector",
            () -> {
              for (Trickler t : all) {
                t.step();
              }
              try {
                Thread.sleep(100);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return all.stream().allMatch(t -> t.closedByServer);
            });
        for (Trickler t : bodies) {
          assertTrue(t.answer.toString().startsWith("HTTP/1.1 408"), t.answer.toString());
        }
        // And the collector still serves.
        assertEquals(200, c.get("/api/predictions/" + trace).statusCode());
      } finally {
        for (Trickler t : headers) {
          t.channel.close();
        }
        for (Trickler t : bodies) {
          t.channel.close();
        }
      }
    }
  }
}
