package io.headwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Headwatch as an extension of the official OpenTelemetry Java agent: {@code
 * -javaagent:opentelemetry-javaagent.jar -Dotel.javaagent.extensions=headwatch-otel-extension.jar},
 * the semantic-search example serving HTTP. The OpenTelemetry agent makes a server span per request
 * (its instrumentation of the JDK's HTTP server); Headwatch's inference span for the query is a
 * child in that trace, its snapshot points at it, and its metrics arrive in the OpenTelemetry
 * agent's own export (that agent's resource), from the one SDK in the JVM: the extension jar holds
 * no OpenTelemetry classes at all.
 */
class OpenTelemetryAgentExtensionIT {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

  @Test
  void extensionJarBundlesNoOpenTelemetry() throws Exception {
    List<String> bundled = new ArrayList<>();
    try (JarFile jar = new JarFile(extensionJar())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (name.startsWith("io/opentelemetry/")) {
          bundled.add(name);
        }
      }
      assertTrue(
          jar.getEntry("META-INF/services/io.opentelemetry.javaagent.extension.AgentListener")
              != null,
          "the extension's service entry");
    }
    assertEquals(List.of(), bundled);
  }

  @Test
  void inferenceSpansJoinTheAgentsTracesAndMetricsLeaveThroughItsExporter() throws Exception {
    Path work = Files.createTempDirectory("otel-extension-e2e");
    try (OtlpReceiver receiver = new OtlpReceiver();
        Children children = new Children(work)) {
      Map<String, String> env = ChildJvm.otlpEnvironment(receiver, "otel-extension-e2e");
      List<String> args = new ArrayList<>(DjlChild.jvmArgs());
      args.addAll(
          List.of(
              "-javaagent:" + ChildJvm.requiredProperty("otel-javaagent.jar"),
              "-Dotel.javaagent.extensions=" + extensionJar(),
              // Every inference sampled, at most 2 captures a second: the 300 corpus sentences
              // indexed at start cost a few captures, and the queries sent below get theirs.
              "-Dheadwatch.sampling.rate=1.0",
              "-Dheadwatch.overhead.budget=none",
              "-Dheadwatch.sampling.max_per_second=2",
              "-jar",
              ChildJvm.requiredProperty("semantic-search.jar"),
              "--serve",
              "--port",
              "0"));
      long t0 = System.nanoTime();
      children.startJava("search", args, env);
      Runnable alive = children::checkAlive;
      Path out = work.resolve("search.out");
      Await.until(
          Await.DEFAULT, "search listening", () -> LISTENING.matcher(read(out)).find(), alive);
      phase("listening", t0);
      Matcher m = LISTENING.matcher(read(out));
      assertTrue(m.find());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      String search = m.group(1) + "/search?q=where+is+my+parcel";

      // The OpenTelemetry agent's server span for a request, and Headwatch's sampled inference
      // span in its trace. One query per poll until one of them is sampled (at most 2 a second).
      Span[] found = new Span[2];
      Await.until(
          Await.DEFAULT,
          "a request's server span and a sampled inference span in its trace",
          () -> {
            query(http, search);
            for (Span server : receiver.spans()) {
              if (server.getKind() != Span.SpanKind.SPAN_KIND_SERVER) {
                continue;
              }
              for (Span span : receiver.spans()) {
                if (span.getName().equals("embeddings all-minilm-l6-v2")
                    && span.getTraceId().equals(server.getTraceId())
                    && "true"
                        .equals(
                            OtlpReceiver.attribute(
                                span.getAttributesList(), "headwatch.sampled"))) {
                  found[0] = server;
                  found[1] = span;
                  return true;
                }
              }
            }
            return false;
          },
          alive);
      assertEquals(found[0].getSpanId(), found[1].getParentSpanId(), "child of the server span");
      phase("inference span", t0);
      Span inference = found[1];
      // Its snapshot, in the same trace, pointing at it.
      Await.until(
          Await.DEFAULT,
          "the query's snapshot",
          () -> snapshotOf(receiver, inference) != null,
          alive);
      assertEquals(
          EmbeddingExampleChecks.LAYERS * EmbeddingExampleChecks.HEADS,
          OtlpReceiver.doubles(
                  snapshotOf(receiver, inference).getAttributesList(),
                  "headwatch.attention.entropy")
              .length);
      phase("snapshot", t0);
      // Headwatch's metrics, exported by the OpenTelemetry agent's SDK: under its resource.
      Await.until(
          Await.DEFAULT,
          "headwatch metrics in the OpenTelemetry agent's export",
          () -> distroOfMetric(receiver, "headwatch.attention.head.entropy") != null,
          alive);
      assertEquals(
          "opentelemetry-java-instrumentation",
          distroOfMetric(receiver, "headwatch.attention.head.entropy"));
      phase("metrics", t0);
      children.stopAll();
      phase("stopped", t0);
      String err = read(work.resolve("search.err"));
      assertTrue(err.contains("[headwatch] started as an OpenTelemetry Java agent extension"), err);
      assertTrue(err.contains("[headwatch] observing model all-minilm-l6-v2: 6 attention"), err);
      assertFalse(err.contains("[headwatch] WARN"), err);
      assertTrue(receiver.errors.isEmpty(), receiver.errors.toString());
      System.out.println(
          "[otel-extension-e2e] server span "
              + HexFormat.of().formatHex(found[0].getSpanId().toByteArray())
              + " '"
              + found[0].getName()
              + "', inference span parent "
              + HexFormat.of().formatHex(inference.getParentSpanId().toByteArray()));
    }
  }

  private static void phase(String what, long t0) {
    System.out.printf(
        "[otel-extension-e2e] %s after %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
  }

  private static void query(HttpClient http, String url) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
    } catch (java.io.IOException e) {
      throw new AssertionError("query failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static LogRecord snapshotOf(OtlpReceiver receiver, Span span) {
    for (LogRecord record : receiver.logRecords()) {
      if (record.getEventName().equals("headwatch.snapshot")
          && record.getSpanId().equals(span.getSpanId())
          && record.getTraceId().equals(span.getTraceId())) {
        return record;
      }
    }
    return null;
  }

  /** The telemetry.distro.name of the resource under which metric {@code name} arrived. */
  private static String distroOfMetric(OtlpReceiver receiver, String name) {
    for (ExportMetricsServiceRequest request : receiver.metrics) {
      for (ResourceMetrics rm : request.getResourceMetricsList()) {
        boolean has =
            rm.getScopeMetricsList().stream()
                .anyMatch(
                    sm -> sm.getMetricsList().stream().anyMatch(x -> x.getName().equals(name)));
        if (has) {
          return OtlpReceiver.attribute(
              rm.getResource().getAttributesList(), "telemetry.distro.name");
        }
      }
    }
    return null;
  }

  private static String extensionJar() {
    return ChildJvm.requiredProperty("headwatch.otel-extension.jar");
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
