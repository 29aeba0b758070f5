package io.headwatch.agent.export;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives the periodic metric reader the OTLP exporter's timeout. Without a timeout of its own, the
 * SDK's {@link PeriodicMetricReader} stops waiting for an export after one export interval and logs
 * "Exporter timed out" although the export goes on: with a short interval (1 s), every slow but
 * successful export would make the agent warn. The exporter's own timeout (default 10 s) is what
 * decides whether an export failed.
 */
final class MetricExportTimeout {
  private final List<MetricExporter> exporters = new ArrayList<>();

  /** Remembers the metric exporter autoconfigure built, for {@link #reader}. */
  synchronized MetricExporter exporter(MetricExporter exporter) {
    exporters.add(exporter);
    return exporter;
  }

  /**
   * The reader to use instead of {@code reader}: with one exporter, a periodic reader with the same
   * interval and an export timeout of at least the OTLP exporter's; otherwise {@code reader} as is.
   * The replaced reader was never registered, so it has started no thread.
   */
  synchronized MetricReader reader(MetricReader reader, ConfigProperties config) {
    if (!(reader instanceof PeriodicMetricReader) || exporters.size() != 1) {
      return reader;
    }
    Duration interval = config.getDuration("otel.metric.export.interval", Duration.ofMinutes(1));
    return PeriodicMetricReader.builder(exporters.get(0))
        .setInterval(interval)
        .setExporterTimeout(exportTimeout(config, interval))
        .build();
  }

  static Duration exportTimeout(ConfigProperties config, Duration interval) {
    Duration otlp =
        config.getDuration(
            "otel.exporter.otlp.metrics.timeout",
            config.getDuration("otel.exporter.otlp.timeout", Duration.ofSeconds(10)));
    return otlp.compareTo(interval) > 0 ? otlp : interval;
  }
}
