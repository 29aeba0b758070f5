package io.headwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `promtool check metrics` accepts /metrics with every kind of translated series in it. */
class PromtoolTest {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  @TempDir Path dir;

  @Test
  void promtoolAcceptsTheExposition() throws Exception {
    if (!Files.isExecutable(PROMTOOL)) {
      String message =
          "promtool is missing at " + PROMTOOL + "; install it with: apt-get install prometheus";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    try (TestCollector c = TestCollector.start(dir)) {
      SdkMeterProvider provider =
          SdkMeterProvider.builder()
              .setResource(
                  Resource.create(
                      Attributes.of(
                          AttributeKey.stringKey("service.name"),
                          "svc",
                          AttributeKey.stringKey("service.namespace"),
                          "ns",
                          AttributeKey.stringKey("service.instance.id"),
                          "i-1")))
              .registerMetricReader(
                  PeriodicMetricReader.builder(
                          OtlpHttpMetricExporter.builder()
                              .setEndpoint(c.otlp("/v1/metrics"))
                              .setTimeout(TestCollector.WAIT)
                              .build())
                      .setInterval(Duration.ofHours(1))
                      .build())
              .build();
      Meter meter = provider.get("io.headwatch.test");
      Attributes a =
          Attributes.of(
              AttributeKey.stringKey("gen_ai.request.model"),
              "bert",
              AttributeKey.longKey("headwatch.layer"),
              0L,
              AttributeKey.longKey("headwatch.head"),
              1L);
      meter
          .histogramBuilder("headwatch.attention.entropy")
          .setUnit("1")
          .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 0.9))
          .build()
          .record(0.3, a);
      meter.histogramBuilder("headwatch.inference.duration").setUnit("s").build().record(0.02, a);
      meter.counterBuilder("headwatch.activation.nonfinite").setUnit("{value}").build().add(2, a);
      meter.upDownCounterBuilder("headwatch.queue.depth").setUnit("{item}").build().add(3, a);
      meter.gaugeBuilder("headwatch.memory.used").setUnit("By").build().set(1024, a);
      provider.forceFlush().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
      provider.shutdown().join(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS);
      c.post(
          "/v1/logs",
          "application/x-protobuf",
          null,
          Fixtures.snapshot(
                  Fixtures.traceId(1),
                  Fixtures.spanId(1),
                  "bert",
                  1L,
                  1,
                  1,
                  Map.of("entropy", new double[] {0.5}))
              .toByteArray());
      c.post("/v1/metrics", "application/x-protobuf", null, new byte[] {(byte) 0xff});
      TestCollector.await(
          TestCollector.WAIT,
          "all series",
          () ->
              has(c, "headwatch_memory_used_bytes")
                  && has(c, "headwatch_collector_store_predictions 1.0"));

      HttpResponse<String> r = c.get("/metrics");
      assertTrue(
          r.headers()
              .firstValue("Content-Type")
              .orElse("")
              .startsWith("text/plain; version=0.0.4"));
      Path file = dir.resolve("metrics.txt");
      Files.writeString(file, r.body());
      Process p =
          new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
              .redirectInput(file.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(TestCollector.WAIT.toSeconds(), TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out + "\n---\n" + r.body());
    }
  }

  private static boolean has(TestCollector c, String text) {
    try {
      return c.get("/metrics").body().contains(text);
    } catch (Exception e) {
      return false;
    }
  }
}
