package io.headwatch.collector;

import io.headwatch.collector.api.ApiHandler;
import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.config.CollectorConfig;
import io.headwatch.collector.forward.OtlpForwarder;
import io.headwatch.collector.ingest.IngestQueue;
import io.headwatch.collector.ingest.IngestWorker;
import io.headwatch.collector.prometheus.OtlpMetricsTranslator;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.headwatch.collector.prometheus.SeriesRegistry;
import io.headwatch.collector.receiver.OtlpHttpHandler;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.web.WebHandler;
import io.prometheus.client.CollectorRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running collector: the OTLP/HTTP receiver, the ingest worker, the prediction store with its
 * retention job, and the API/metrics server. {@link #close()} stops receiving, applies what is
 * queued, and closes the store.
 */
public final class HeadwatchCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeadwatchCollector.class);
  private static final long DRAIN_MILLIS = 10_000;

  /** Bounds request bodies held at once: threads x max-body-bytes (x2 with gzip). */
  private static final int OTLP_THREADS = 16;

  private final PredictionStore store;
  private final IngestWorker worker;
  private final OtlpForwarder forwarder;
  private final ScheduledExecutorService housekeeping;
  private final Server otlpServer;
  private final Server apiServer;

  private HeadwatchCollector(
      PredictionStore store,
      IngestWorker worker,
      OtlpForwarder forwarder,
      ScheduledExecutorService housekeeping,
      Server otlpServer,
      Server apiServer) {
    this.store = store;
    this.worker = worker;
    this.forwarder = forwarder;
    this.housekeeping = housekeeping;
    this.otlpServer = otlpServer;
    this.apiServer = apiServer;
  }

  /** Opens the store, starts every thread and both servers; throws if a port cannot be bound. */
  public static HeadwatchCollector start(CollectorConfig config) throws Exception {
    PredictionStore store = PredictionStore.open(config.dataDir());
    try {
      CollectorRegistry registry = new CollectorRegistry();
      SelfMetrics self = new SelfMetrics(registry);
      SeriesRegistry series =
          new SeriesRegistry(
              config.maxSeries(), config.seriesTtl().toMillis(), System::currentTimeMillis, self);
      registry.register(series);
      IngestQueue queue = new IngestQueue(config.ingestQueue(), config.ingestQueueBytes());
      self.registerGauges(
          registry,
          store::totalBytes,
          store::fileBytes,
          store::predictionCount,
          series::seriesCount,
          queue::size);

      BaselineTracker baselines =
          new BaselineTracker(
              config.baselineWindow(), config.baselineRecent(), config.baselineMin());
      try {
        IngestWorker.refillBaselines(store, baselines, config.baselineWindow() * 10);
      } catch (java.sql.SQLException e) {
        // Refilling is a head start, not a requirement: after a crash H2 has been seen to report
        // an index entry without its row ("Row not found in primary index") on this read. The
        // collector serves and stores anyway; baselines fill again from new snapshots.
        LOG.warn(
            "could not refill baselines from the store ({}); they start empty", e.getMessage());
      }
      IngestWorker worker =
          new IngestWorker(queue, new OtlpMetricsTranslator(series), store, baselines, self);
      worker.start();

      OtlpForwarder forwarder =
          config
              .forwardEndpoint()
              .map(
                  url ->
                      new OtlpForwarder(
                          url,
                          config.forwardQueue(),
                          config.forwardQueueBytes(),
                          config.forwardTimeout(),
                          self))
              .orElse(null);

      ScheduledExecutorService housekeeping =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "headwatch-retention");
                t.setDaemon(true);
                return t;
              });
      long every = config.retentionInterval().toMillis();
      housekeeping.scheduleWithFixedDelay(
          () -> {
            try {
              long deleted =
                  store.enforceRetention(
                      System.currentTimeMillis(),
                      config.retentionAge().toMillis(),
                      config.retentionBytes());
              if (deleted > 0) {
                LOG.info("retention deleted {} predictions", deleted);
              }
              series.expire();
            } catch (Exception e) {
              LOG.warn("retention run failed", e);
            }
          },
          0,
          every,
          TimeUnit.MILLISECONDS);

      Server api =
          HttpServerFactory.create(
              "headwatch-api",
              config.host(),
              config.httpPort(),
              16,
              // Pages first: they decline /api and /metrics, which the API handler answers.
              new Handler.Sequence(
                  new WebHandler(config.traceUrlTemplate()),
                  new ApiHandler(
                      registry,
                      store,
                      baselines,
                      config.baselineWindow(),
                      config.baselineRecent())));
      Server otlp =
          HttpServerFactory.create(
              "headwatch-otlp",
              config.host(),
              config.otlpPort(),
              OTLP_THREADS,
              new OtlpHttpHandler(
                  config.maxBodyBytes(), queue, forwarder, self, System::currentTimeMillis));
      HeadwatchCollector collector =
          new HeadwatchCollector(store, worker, forwarder, housekeeping, otlp, api);
      try {
        api.start();
        otlp.start();
      } catch (Exception e) {
        collector.close();
        throw e;
      }
      return collector;
    } catch (Exception e) {
      store.close();
      throw e;
    }
  }

  /** The bound OTLP/HTTP port (useful when configured as 0). */
  public int otlpPort() {
    return HttpServerFactory.port(otlpServer);
  }

  /** The bound API and /metrics port. */
  public int httpPort() {
    return HttpServerFactory.port(apiServer);
  }

  @Override
  public void close() {
    stopQuietly(otlpServer);
    try {
      worker.drainAndStop(DRAIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    housekeeping.shutdownNow();
    stopQuietly(apiServer);
    store.close();
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping {} failed", server, e);
    }
  }
}
