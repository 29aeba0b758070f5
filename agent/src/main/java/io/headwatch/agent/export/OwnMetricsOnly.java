package io.headwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Exports only Headwatch's own metrics: the SDK also records metrics about itself (span and log
 * processor queues, exporter counts: {@code queueSize}, {@code processedSpans}, ...), which would
 * reach the user's Prometheus unprefixed and under every instance. They are dropped here.
 */
final class OwnMetricsOnly implements MetricExporter {
  private final MetricExporter delegate;

  OwnMetricsOnly(MetricExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    List<MetricData> own = new ArrayList<>(metrics.size());
    for (MetricData m : metrics) {
      if (TelemetryNames.SCOPE.equals(m.getInstrumentationScopeInfo().getName())) {
        own.add(m);
      }
    }
    return own.isEmpty() ? CompletableResultCode.ofSuccess() : delegate.export(own);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
  }
}
