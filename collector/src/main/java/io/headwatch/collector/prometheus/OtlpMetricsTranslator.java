package io.headwatch.collector.prometheus;

import io.headwatch.collector.otlp.OtlpAttributes;
import io.headwatch.collector.prometheus.PrometheusNames.Kind;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns OTLP metrics into Prometheus series: gauges and non-monotonic sums → gauge, monotonic sums
 * → counter, explicit histograms → histogram, summaries → summary. Attributes become labels;
 * resource {@code service.namespace}/{@code service.name} → {@code job}, {@code
 * service.instance.id} → {@code instance}. Cumulative points replace the series' value; delta
 * points are added to it. Exponential histograms are rejected (see {@link #unsupportedPoints}).
 */
public final class OtlpMetricsTranslator {
  private final SeriesRegistry registry;

  public OtlpMetricsTranslator(SeriesRegistry registry) {
    this.registry = registry;
  }

  /** Data points this translator cannot expose; reported back as partial success. */
  public static long unsupportedPoints(ExportMetricsServiceRequest request) {
    long n = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          if (m.hasExponentialHistogram()) {
            n += m.getExponentialHistogram().getDataPointsCount();
          }
        }
      }
    }
    return n;
  }

  public void accept(ExportMetricsServiceRequest request) {
    registry.update(
        () -> {
          for (ResourceMetrics rm : request.getResourceMetricsList()) {
            SortedMap<String, String> resourceLabels = resourceLabels(rm);
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
              for (Metric m : sm.getMetricsList()) {
                accept(m, resourceLabels);
              }
            }
          }
        });
  }

  private void accept(Metric m, SortedMap<String, String> resourceLabels) {
    String help = m.getDescription().isBlank() ? m.getName() : m.getDescription();
    switch (m.getDataCase()) {
      case GAUGE -> {
        String name = PrometheusNames.metricName(m.getName(), m.getUnit(), Kind.GAUGE);
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          scalar(name, Kind.GAUGE, help, p, resourceLabels, false);
        }
      }
      case SUM -> {
        Kind kind = m.getSum().getIsMonotonic() ? Kind.COUNTER : Kind.GAUGE;
        boolean delta =
            m.getSum().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        String name = PrometheusNames.metricName(m.getName(), m.getUnit(), kind);
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          scalar(name, kind, help, p, resourceLabels, delta);
        }
      }
      case HISTOGRAM -> {
        boolean delta =
            m.getHistogram().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        String name = PrometheusNames.metricName(m.getName(), m.getUnit(), Kind.HISTOGRAM);
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          histogram(name, help, p, resourceLabels, delta);
        }
      }
      case SUMMARY -> {
        String name = PrometheusNames.metricName(m.getName(), m.getUnit(), Kind.SUMMARY);
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          summary(name, help, p, resourceLabels);
        }
      }
      default -> {
        // Exponential histograms (reported as partial success) and empty metrics.
      }
    }
  }

  private void scalar(
      String name,
      Kind kind,
      String help,
      NumberDataPoint p,
      SortedMap<String, String> resourceLabels,
      boolean delta) {
    if (noValue(p.getFlags())) {
      return;
    }
    double v = p.hasAsDouble() ? p.getAsDouble() : p.getAsInt();
    Series.Scalar s =
        (Series.Scalar)
            registry.series(name, kind, help, labels(p.getAttributesList(), resourceLabels), 0);
    if (s != null) {
      s.value = delta ? s.value + v : v;
    }
  }

  private void histogram(
      String name,
      String help,
      HistogramDataPoint p,
      SortedMap<String, String> resourceLabels,
      boolean delta) {
    if (noValue(p.getFlags())) {
      return;
    }
    double[] bounds = p.getExplicitBoundsList().stream().mapToDouble(Double::doubleValue).toArray();
    long[] counts = new long[bounds.length + 1];
    if (p.getBucketCountsCount() == bounds.length + 1) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = p.getBucketCounts(i);
      }
    } else {
      // No buckets sent (allowed by OTLP): only the +Inf bucket, which equals the count.
      bounds = new double[0];
      counts = new long[] {p.getCount()};
    }
    Series.Histogram h =
        (Series.Histogram)
            registry.series(
                name,
                Kind.HISTOGRAM,
                help,
                labels(p.getAttributesList(), resourceLabels),
                counts.length);
    if (h == null) {
      return;
    }
    double sum = p.hasSum() ? p.getSum() : 0;
    if (delta) {
      h.add(bounds, counts, sum, p.getCount());
    } else {
      h.set(bounds, counts, sum, p.getCount());
    }
  }

  private void summary(
      String name, String help, SummaryDataPoint p, SortedMap<String, String> resourceLabels) {
    if (noValue(p.getFlags())) {
      return;
    }
    Series.Summary s =
        (Series.Summary)
            registry.series(
                name,
                Kind.SUMMARY,
                help,
                labels(p.getAttributesList(), resourceLabels),
                p.getQuantileValuesCount());
    if (s == null) {
      return;
    }
    int n = p.getQuantileValuesCount();
    s.quantiles = new double[n];
    s.values = new double[n];
    for (int i = 0; i < n; i++) {
      s.quantiles[i] = p.getQuantileValues(i).getQuantile();
      s.values[i] = p.getQuantileValues(i).getValue();
    }
    s.sum = p.getSum();
    s.count = p.getCount();
  }

  private static boolean noValue(int flags) {
    return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
  }

  static SortedMap<String, String> resourceLabels(ResourceMetrics rm) {
    OtlpAttributes r = OtlpAttributes.of(rm.getResource());
    SortedMap<String, String> labels = new TreeMap<>();
    String service = r.string("service.name");
    String namespace = r.string("service.namespace");
    if (service != null) {
      labels.put(
          "job", namespace == null || namespace.isEmpty() ? service : namespace + "/" + service);
    }
    String instance = r.string("service.instance.id");
    if (instance != null) {
      labels.put("instance", instance);
    }
    return labels;
  }

  static SortedMap<String, String> labels(
      List<KeyValue> attributes, SortedMap<String, String> resource) {
    SortedMap<String, String> labels = new TreeMap<>();
    for (KeyValue kv : attributes) {
      String name = PrometheusNames.labelName(kv.getKey());
      String value = text(kv.getValue());
      // Keys that sanitise to the same label are joined, as the upstream translator does.
      labels.merge(name, value, (a, b) -> a + ";" + b);
    }
    labels.putAll(resource);
    return labels;
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case ARRAY_VALUE ->
          v.getArrayValue().getValuesList().stream()
              .map(OtlpMetricsTranslator::text)
              .collect(Collectors.joining(",", "[", "]"));
      default -> "";
    };
  }
}
