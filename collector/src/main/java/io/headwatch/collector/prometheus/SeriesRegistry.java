package io.headwatch.collector.prometheus;

import io.headwatch.collector.prometheus.PrometheusNames.Kind;
import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Every series translated from agents' metrics, by family and label set, exposed to the Prometheus
 * client as one collector. Bounded: at most {@code maxSeries} series and {@code maxBytes} of their
 * memory (labels, values, buckets; new series beyond either bound are dropped and counted); series
 * not updated within {@code ttlMillis} are removed.
 */
public final class SeriesRegistry extends Collector {
  /** Heap of a series beyond its labels: the object, its map entry, the label map. */
  static final long SERIES_OVERHEAD_BYTES = 200;

  /** Heap per label beyond its text: two strings' headers and the sorted map's entry. */
  static final long LABEL_OVERHEAD_BYTES = 96;

  private final int maxSeries;
  private final long maxBytes;
  private final long ttlMillis;
  private final LongSupplier clock;
  private final SelfMetrics self;
  private final Map<String, Family> families = new HashMap<>();
  private int seriesCount;
  private long bytes;

  public SeriesRegistry(
      int maxSeries, long maxBytes, long ttlMillis, LongSupplier clock, SelfMetrics self) {
    this.maxSeries = maxSeries;
    this.maxBytes = maxBytes;
    this.ttlMillis = ttlMillis;
    this.clock = clock;
    this.self = self;
  }

  private static final class Family {
    final Kind kind;
    final String help;
    final Map<SortedMap<String, String>, Series> series = new HashMap<>();
    final Map<SortedMap<String, String>, Long> charged = new HashMap<>();

    Family(Kind kind, String help) {
      this.kind = kind;
      this.help = help;
    }
  }

  /**
   * The series for this name and labels, created if allowed; null if dropped. {@code buckets}: the
   * histogram's bucket count (0 for other kinds), charged with the series.
   */
  synchronized Series series(
      String name, Kind kind, String help, SortedMap<String, String> labels, int buckets) {
    Family f = families.computeIfAbsent(name, n -> new Family(kind, help));
    if (f.kind != kind) {
      self.dropped("type_conflict");
      return null;
    }
    Series s = f.series.get(labels);
    if (s == null) {
      long cost = cost(name, labels, buckets);
      if (seriesCount >= maxSeries || bytes + cost > maxBytes) {
        self.dropped("series_limit");
        return null;
      }
      s =
          switch (kind) {
            case GAUGE, COUNTER -> new Series.Scalar();
            case HISTOGRAM -> new Series.Histogram();
            case SUMMARY -> new Series.Summary();
          };
      f.series.put(labels, s);
      f.charged.put(labels, cost);
      seriesCount++;
      bytes += cost;
    }
    s.updatedMillis = clock.getAsLong();
    return s;
  }

  /** Runs an update under the registry's lock, so a scrape never sees half a histogram. */
  synchronized void update(Runnable r) {
    r.run();
  }

  /** Heap a series holds: its labels (two bytes per character at most), values, buckets. */
  static long cost(String name, SortedMap<String, String> labels, int buckets) {
    long b = SERIES_OVERHEAD_BYTES + 16L * buckets;
    for (Map.Entry<String, String> e : labels.entrySet()) {
      b += LABEL_OVERHEAD_BYTES + 2L * (e.getKey().length() + e.getValue().length());
    }
    return b;
  }

  /** Bytes charged for the live series (against max-series-bytes). */
  public synchronized long bytes() {
    return bytes;
  }

  /** Number of live series. */
  public synchronized int seriesCount() {
    return seriesCount;
  }

  /** Removes series older than the TTL. */
  public synchronized void expire() {
    long cutoff = clock.getAsLong() - ttlMillis;
    for (Iterator<Family> fi = families.values().iterator(); fi.hasNext(); ) {
      Family f = fi.next();
      for (Iterator<Map.Entry<SortedMap<String, String>, Series>> si =
              f.series.entrySet().iterator();
          si.hasNext(); ) {
        Map.Entry<SortedMap<String, String>, Series> e = si.next();
        if (e.getValue().updatedMillis < cutoff) {
          si.remove();
          seriesCount--;
          Long c = f.charged.remove(e.getKey());
          bytes -= c == null ? 0 : c;
        }
      }
      if (f.series.isEmpty()) {
        fi.remove();
      }
    }
  }

  @Override
  public synchronized List<MetricFamilySamples> collect() {
    expire();
    List<MetricFamilySamples> out = new ArrayList<>();
    for (Map.Entry<String, Family> e : new TreeMap<>(families).entrySet()) {
      out.add(samples(e.getKey(), e.getValue()));
    }
    return out;
  }

  private static MetricFamilySamples samples(String name, Family f) {
    List<MetricFamilySamples.Sample> samples = new ArrayList<>();
    for (Map.Entry<SortedMap<String, String>, Series> e : f.series.entrySet()) {
      List<String> names = new ArrayList<>(e.getKey().keySet());
      List<String> values = new ArrayList<>(e.getKey().values());
      switch (f.kind) {
        case GAUGE ->
            samples.add(sample(name, names, values, ((Series.Scalar) e.getValue()).value));
        case COUNTER ->
            samples.add(
                sample(name + "_total", names, values, ((Series.Scalar) e.getValue()).value));
        case HISTOGRAM ->
            addHistogram(samples, name, names, values, (Series.Histogram) e.getValue());
        case SUMMARY -> addSummary(samples, name, names, values, (Series.Summary) e.getValue());
      }
    }
    Type type =
        switch (f.kind) {
          case GAUGE -> Type.GAUGE;
          case COUNTER -> Type.COUNTER;
          case HISTOGRAM -> Type.HISTOGRAM;
          case SUMMARY -> Type.SUMMARY;
        };
    return new MetricFamilySamples(name, type, f.help, samples);
  }

  private static void addHistogram(
      List<MetricFamilySamples.Sample> out,
      String name,
      List<String> names,
      List<String> values,
      Series.Histogram h) {
    List<String> bucketNames = new ArrayList<>(names);
    bucketNames.add("le");
    long cumulative = 0;
    for (int i = 0; i < h.counts.length; i++) {
      cumulative += h.counts[i];
      String le = i < h.bounds.length ? doubleToGoString(h.bounds[i]) : "+Inf";
      List<String> bucketValues = new ArrayList<>(values);
      bucketValues.add(le);
      out.add(sample(name + "_bucket", bucketNames, bucketValues, cumulative));
    }
    out.add(sample(name + "_sum", names, values, h.sum));
    out.add(sample(name + "_count", names, values, h.count));
  }

  private static void addSummary(
      List<MetricFamilySamples.Sample> out,
      String name,
      List<String> names,
      List<String> values,
      Series.Summary s) {
    List<String> qNames = new ArrayList<>(names);
    qNames.add("quantile");
    for (int i = 0; i < s.quantiles.length; i++) {
      List<String> qValues = new ArrayList<>(values);
      qValues.add(doubleToGoString(s.quantiles[i]));
      out.add(sample(name, qNames, qValues, s.values[i]));
    }
    out.add(sample(name + "_sum", names, values, s.sum));
    out.add(sample(name + "_count", names, values, s.count));
  }

  private static MetricFamilySamples.Sample sample(
      String name, List<String> names, List<String> values, double value) {
    return new MetricFamilySamples.Sample(name, names, values, value);
  }
}
