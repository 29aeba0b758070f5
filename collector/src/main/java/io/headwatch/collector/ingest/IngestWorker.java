package io.headwatch.collector.ingest;

import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.model.AttentionStatistic;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.prometheus.OtlpMetricsTranslator;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.store.StoredStatistics;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that applies queued exports: metrics to the series registry, inference spans
 * and snapshots to the store, snapshots to the baselines. One writer keeps store updates ordered
 * and lets a span and its snapshot meet in either order.
 */
public final class IngestWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestWorker.class);

  private final IngestQueue queue;
  private final OtlpMetricsTranslator metrics;
  private final PredictionStore store;
  private final BaselineTracker baselines;
  private final SelfMetrics self;
  private final Thread thread;
  private volatile boolean stopping;

  public IngestWorker(
      IngestQueue queue,
      OtlpMetricsTranslator metrics,
      PredictionStore store,
      BaselineTracker baselines,
      SelfMetrics self) {
    this.queue = queue;
    this.metrics = metrics;
    this.store = store;
    this.baselines = baselines;
    this.self = self;
    this.thread = new Thread(this, "headwatch-ingest");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Applies what is queued, then stops; waits at most {@code timeoutMillis}. */
  public void drainAndStop(long timeoutMillis) throws InterruptedException {
    stopping = true;
    thread.join(timeoutMillis);
  }

  @Override
  public void run() {
    while (true) {
      IngestQueue.Item item;
      try {
        item = queue.poll(100);
      } catch (InterruptedException e) {
        return;
      }
      if (item == null) {
        if (stopping) {
          return;
        }
        continue;
      }
      try {
        apply(item);
      } catch (SQLException | RuntimeException e) {
        self.dropped("store_error");
        LOG.warn("could not apply an export request", e);
      }
    }
  }

  void apply(IngestQueue.Item item) throws SQLException {
    if (item.request() instanceof ExportMetricsServiceRequest m) {
      metrics.accept(m);
    } else if (item.request() instanceof ExportTraceServiceRequest t) {
      store.saveSpans(SpanParser.inferenceSpans(t), item.receivedMillis());
    } else if (item.request() instanceof ExportLogsServiceRequest l) {
      SnapshotParser.Result result = SnapshotParser.snapshots(l);
      self.dropped("invalid_snapshot", result.invalid());
      for (Snapshot s : result.snapshots()) {
        // Without attention statistics there is nothing to score, and the window keeps its shape.
        List<HeadDeviation> top =
            s.heads() == 0 || s.attention().isEmpty()
                ? List.of()
                : baselines.scoreAndAdd(s.model(), s.layers(), s.heads(), statistics(s));
        store.saveSnapshot(s, top, item.receivedMillis());
      }
    }
  }

  /** Refills the baselines from the newest stored snapshots (after a restart). */
  public static void refillBaselines(PredictionStore store, BaselineTracker baselines, int limit)
      throws SQLException {
    for (StoredStatistics s : store.recentStatistics(limit)) {
      double[][] stats = new double[AttentionStatistic.ALL.size()][];
      for (AttentionStatistic stat : AttentionStatistic.ALL) {
        stats[stat.ordinal()] = s.attention().get(stat.shortName());
      }
      baselines.add(s.model(), s.layers(), s.heads(), stats);
    }
  }

  static double[][] statistics(Snapshot s) {
    double[][] stats = new double[AttentionStatistic.ALL.size()][];
    for (AttentionStatistic stat : AttentionStatistic.ALL) {
      stats[stat.ordinal()] = s.attention().get(stat.shortName());
    }
    return stats;
  }
}
