package io.headwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A slow but successful metric export is not reported as timed out by the periodic reader. */
class MetricExportTimeoutTest {

  /** Completes each export after a delay, on its own thread, as the OTLP HTTP exporter does. */
  private static final class SlowExporter implements MetricExporter {
    final CountDownLatch exported = new CountDownLatch(1);

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      CompletableResultCode result = new CompletableResultCode();
      Thread t =
          new Thread(
              () -> {
                try {
                  Thread.sleep(1500);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                result.succeed();
                exported.countDown();
              });
      t.setDaemon(true);
      t.start();
      return result;
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }
  }

  /** Runs one export through {@code reader}; returns what the reader logged. */
  private static List<String> exportOnce(MetricReader reader, SlowExporter exporter)
      throws Exception {
    List<String> logged = new ArrayList<>();
    Logger logger = Logger.getLogger(PeriodicMetricReader.class.getName());
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (logged) {
              logged.add(record.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      provider.get("test").counterBuilder("c").build().add(1);
      assertTrue(exporter.exported.await(60, TimeUnit.SECONDS));
      provider.forceFlush().join(60, TimeUnit.SECONDS);
    } finally {
      logger.removeHandler(handler);
    }
    synchronized (logged) {
      return new ArrayList<>(logged);
    }
  }

  @Test
  void withoutItTheSdkReportsASlowExportAsTimedOut() throws Exception {
    // The condition the fix is for, shown on the SDK itself: the timeout is the interval.
    SlowExporter exporter = new SlowExporter();
    List<String> logged =
        exportOnce(
            PeriodicMetricReader.builder(exporter).setInterval(Duration.ofMillis(200)).build(),
            exporter);
    assertTrue(logged.stream().anyMatch(m -> m.contains("timed out")), logged.toString());
  }

  @Test
  void anExportSlowerThanTheIntervalIsWaitedForUpToTheExportersTimeout() throws Exception {
    ConfigProperties config =
        DefaultConfigProperties.createFromMap(Map.of("otel.metric.export.interval", "200ms"));
    assertEquals(
        Duration.ofSeconds(10),
        MetricExportTimeout.exportTimeout(config, Duration.ofMillis(200)),
        "the OTLP exporter's default timeout");
    SlowExporter exporter = new SlowExporter();
    MetricExportTimeout timeout = new MetricExportTimeout();
    timeout.exporter(exporter);
    MetricReader reader = timeout.reader(PeriodicMetricReader.create(exporter), config);

    List<String> logged = exportOnce(reader, exporter);
    assertTrue(
        logged.stream().noneMatch(m -> m.contains("timed out")),
        "the reader waited for the export: " + logged);
  }

  @Test
  void anotherReaderOrSeveralExportersAreLeftAlone() {
    ConfigProperties config = DefaultConfigProperties.createFromMap(Map.of());
    MetricExportTimeout timeout = new MetricExportTimeout();
    MetricReader reader = PeriodicMetricReader.create(new SlowExporter());
    assertSame(reader, timeout.reader(reader, config), "no exporter seen");
    timeout.exporter(new SlowExporter());
    timeout.exporter(new SlowExporter());
    assertSame(reader, timeout.reader(reader, config), "two exporters: which is whose?");
  }
}
