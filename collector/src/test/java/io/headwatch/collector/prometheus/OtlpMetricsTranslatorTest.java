package io.headwatch.collector.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpMetricsTranslatorTest {
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private CollectorRegistry registry;
  private SeriesRegistry series;
  private OtlpMetricsTranslator translator;

  @BeforeEach
  void setUp() {
    registry = new CollectorRegistry();
    SelfMetrics self = new SelfMetrics(registry);
    series = new SeriesRegistry(3, Long.MAX_VALUE, 300_000, clock::get, self);
    registry.register(series);
    translator = new OtlpMetricsTranslator(series);
  }

  private static ExportMetricsServiceRequest request(Resource resource, Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource)
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(List.of(metrics))))
        .build();
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static Resource resource() {
    return Resource.newBuilder()
        .addAttributes(kv("service.name", "api"))
        .addAttributes(kv("service.namespace", "shop"))
        .addAttributes(kv("service.instance.id", "pod-1"))
        .build();
  }

  private static Metric counter(String name, AggregationTemporality t, long value, String reason) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit("{item}")
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(t)
                .addDataPoints(
                    NumberDataPoint.newBuilder()
                        .setAsInt(value)
                        .addAttributes(kv("headwatch.reason", reason))))
        .build();
  }

  private static Metric histogram(AggregationTemporality t, double sum, long... counts) {
    HistogramDataPoint.Builder p =
        HistogramDataPoint.newBuilder().setSum(sum).addAllExplicitBounds(List.of(0.1, 1.0));
    long total = 0;
    for (long c : counts) {
      p.addBucketCounts(c);
      total += c;
    }
    p.setCount(total);
    return Metric.newBuilder()
        .setName("headwatch.inference.duration")
        .setUnit("s")
        .setHistogram(Histogram.newBuilder().setAggregationTemporality(t).addDataPoints(p))
        .build();
  }

  private Map<String, Double> samples() {
    Map<String, Double> out = new HashMap<>();
    for (MetricFamilySamples f : series.collect()) {
      for (MetricFamilySamples.Sample s : f.samples) {
        StringBuilder key = new StringBuilder(s.name).append('{');
        for (int i = 0; i < s.labelNames.size(); i++) {
          key.append(i == 0 ? "" : ",")
              .append(s.labelNames.get(i))
              .append("=\"")
              .append(s.labelValues.get(i))
              .append('"');
        }
        out.put(key.append('}').toString(), s.value);
      }
    }
    return out;
  }

  @Test
  void cumulativeReplacesAndDeltaAccumulates() {
    var cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    var delta = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    translator.accept(
        request(resource(), counter("headwatch.agent.dropped", cumulative, 5, "queue")));
    translator.accept(
        request(resource(), counter("headwatch.agent.dropped", cumulative, 8, "queue")));
    translator.accept(request(resource(), counter("other.dropped", delta, 5, "x")));
    translator.accept(request(resource(), counter("other.dropped", delta, 8, "x")));
    translator.accept(request(resource(), histogram(delta, 0.5, 1, 1, 0)));
    translator.accept(request(resource(), histogram(delta, 2.05, 0, 0, 1)));

    Map<String, Double> s = samples();
    String labels = "headwatch_reason=\"queue\",instance=\"pod-1\",job=\"shop/api\"";
    assertEquals(8.0, s.get("headwatch_agent_dropped_total{" + labels + "}"));
    assertEquals(
        13.0,
        s.get("other_dropped_total{headwatch_reason=\"x\",instance=\"pod-1\",job=\"shop/api\"}"));
    String h = "instance=\"pod-1\",job=\"shop/api\"";
    assertEquals(1.0, s.get("headwatch_inference_duration_seconds_bucket{" + h + ",le=\"0.1\"}"));
    assertEquals(2.0, s.get("headwatch_inference_duration_seconds_bucket{" + h + ",le=\"1.0\"}"));
    assertEquals(3.0, s.get("headwatch_inference_duration_seconds_bucket{" + h + ",le=\"+Inf\"}"));
    assertEquals(2.55, s.get("headwatch_inference_duration_seconds_sum{" + h + "}"), 1e-12);
    assertEquals(3.0, s.get("headwatch_inference_duration_seconds_count{" + h + "}"));
  }

  @Test
  void seriesExpireAfterTheTtl() {
    var cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    translator.accept(request(resource(), counter("a.count", cumulative, 1, "r")));
    clock.addAndGet(200_000);
    translator.accept(request(resource(), counter("b.count", cumulative, 1, "r")));
    assertEquals(2, series.seriesCount());
    clock.addAndGet(200_000); // a is 400 s old, b 200 s: TTL 300 s
    series.expire();
    assertEquals(1, series.seriesCount());
    assertEquals(
        Map.of("b_count_total{headwatch_reason=\"r\",instance=\"pod-1\",job=\"shop/api\"}", 1.0),
        samples());
  }

  @Test
  void seriesBeyondTheLimitAreDroppedAndCounted() {
    var cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    for (String reason : new String[] {"a", "b", "c", "d", "e"}) {
      translator.accept(request(resource(), counter("x.dropped", cumulative, 1, reason)));
    }
    assertEquals(3, series.seriesCount());
    assertEquals(
        2.0,
        registry.getSampleValue(
            "headwatch_collector_dropped_total",
            new String[] {"reason"},
            new String[] {"series_limit"}));
  }

  @Test
  void exponentialHistogramsAreCountedAsUnsupported() {
    Metric exp =
        Metric.newBuilder()
            .setName("e")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setCount(1))
                    .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setCount(2)))
            .build();
    ExportMetricsServiceRequest r = request(resource(), exp);
    assertEquals(2, OtlpMetricsTranslator.unsupportedPoints(r));
    translator.accept(r);
    assertEquals(0, series.seriesCount());
  }
}
