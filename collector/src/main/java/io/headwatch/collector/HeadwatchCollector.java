package io.headwatch.collector;

import io.headwatch.collector.api.ApiHandler;
import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.config.CollectorConfig;
import io.headwatch.collector.config.ConfigLoader;
import io.headwatch.collector.forward.EvaluationEvents;
import io.headwatch.collector.forward.OtlpForwarder;
import io.headwatch.collector.ingest.IngestQueue;
import io.headwatch.collector.ingest.IngestWorker;
import io.headwatch.collector.ingest.RequestLimits;
import io.headwatch.collector.ingest.VerdictSink;
import io.headwatch.collector.prometheus.OtlpMetricsTranslator;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.headwatch.collector.prometheus.SeriesRegistry;
import io.headwatch.collector.receiver.OtlpHttpHandler;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.store.StoreException;
import io.headwatch.collector.store.sqlite.SqliteStore;
import io.headwatch.collector.verdict.VerdictEngine;
import io.headwatch.collector.verdict.VerdictSettings;
import io.headwatch.collector.web.WebHandler;
import io.prometheus.client.CollectorRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
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

  /** Heap beyond the budgets: Jetty, buffers, classes, one /metrics scrape, API answers. */
  static final long HEAP_BASE_BYTES = 128L << 20;

  /** Threads that decode and answer; none waits for a slow client (bodies are read async). */
  private static final int OTLP_THREADS = 16;

  private final PredictionStore store;
  private final OtlpHttpHandler receiver;
  private final IngestQueue queue;
  private final IngestWorker worker;
  private final OtlpForwarder forwarder;
  private final ScheduledExecutorService housekeeping;
  private final Runnable housekeepingRun;
  private final Server otlpServer;
  private final Server apiServer;

  private HeadwatchCollector(
      PredictionStore store,
      OtlpHttpHandler receiver,
      IngestQueue queue,
      IngestWorker worker,
      OtlpForwarder forwarder,
      ScheduledExecutorService housekeeping,
      Runnable housekeepingRun,
      Server otlpServer,
      Server apiServer) {
    this.store = store;
    this.receiver = receiver;
    this.queue = queue;
    this.worker = worker;
    this.forwarder = forwarder;
    this.housekeeping = housekeeping;
    this.housekeepingRun = housekeepingRun;
    this.otlpServer = otlpServer;
    this.apiServer = apiServer;
  }

  /** Opens the store, starts every thread and both servers; throws if a port cannot be bound. */
  public static HeadwatchCollector start(CollectorConfig config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /**
   * As {@link #start(CollectorConfig)}, with the clock that decides time: when a request was
   * received, retention by age, series expiry. Tests pass a clock they move.
   */
  public static HeadwatchCollector start(CollectorConfig config, Clock clock) throws Exception {
    ConfigLoader.checkExposure(config);
    warnIfHeapIsSmall(config);
    if (Files.exists(config.dataDir().resolve("headwatch.mv.db"))) {
      LOG.warn(
          "{} holds an H2 store of an older collector (headwatch.mv.db); it is not read: the store"
              + " is now {}",
          config.dataDir(),
          SqliteStore.FILE);
    }
    PredictionStore store = SqliteStore.open(config.dataDir(), config.storeFullSync());
    try {
      CollectorRegistry registry = new CollectorRegistry();
      SelfMetrics self = new SelfMetrics(registry);
      SeriesRegistry series =
          new SeriesRegistry(
              config.maxSeries(),
              config.maxSeriesBytes(),
              config.seriesTtl().toMillis(),
              clock::millis,
              self);
      registry.register(series);
      IngestQueue queue = new IngestQueue(config.ingestQueue(), config.ingestQueueBytes());
      BaselineTracker baselines =
          new BaselineTracker(
              config.baselineWindow(),
              config.baselineNow().toMillis(),
              config.baselineMin(),
              config.baselineBytes(),
              () -> self.dropped("baseline_evicted"));
      try {
        IngestWorker.refillBaselines(store, baselines, config.baselineWindow() * 10);
      } catch (StoreException e) {
        // Refilling is a head start, not a requirement: the collector serves and stores anyway;
        // baselines fill again from new snapshots.
        LOG.warn(
            "could not refill baselines from the store ({}); they start empty", e.getMessage());
      }
      VerdictEngine verdicts =
          new VerdictEngine(
              VerdictSettings.defaults()
                  .withThreshold(config.verdictThreshold())
                  .withWindow(
                      config.verdictWindow(),
                      config.verdictMin(),
                      VerdictSettings.defaults().neighbours())
                  .withBytes(config.verdictModelBytes(), config.verdictBytes()));
      try {
        IngestWorker.refillVerdicts(store, verdicts, config.verdictWindow() * 2);
      } catch (StoreException e) {
        LOG.warn(
            "could not refill verdict baselines from the store ({}); they start empty",
            e.getMessage());
      }

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
      VerdictSink verdictSink =
          forwarder == null
              ? VerdictSink.NONE
              : new EvaluationEvents(forwarder, () -> clock.millis() * 1_000_000L);
      IngestWorker worker =
          new IngestWorker(
              queue,
              new OtlpMetricsTranslator(series),
              store,
              baselines,
              verdicts,
              verdictSink,
              self);
      worker.feedbackEvaluationName(config.feedbackEvaluationName());
      worker.start();

      ScheduledExecutorService housekeeping =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "headwatch-retention");
                t.setDaemon(true);
                return t;
              });
      Runnable housekeepingRun = () -> housekeep(store, series, config, clock);
      long every = config.retentionInterval().toMillis();
      housekeeping.scheduleWithFixedDelay(housekeepingRun, 0, every, TimeUnit.MILLISECONDS);

      QueuedThreadPool otlpPool = HttpServerFactory.pool("headwatch-otlp", OTLP_THREADS);
      OtlpHttpHandler receiver =
          new OtlpHttpHandler(
              new OtlpHttpHandler.Settings(
                  config.maxBodyBytes(),
                  config.maxItemsPerRequest(),
                  new RequestLimits(
                      config.maxAttentionCells(),
                      config.maxAttributes(),
                      config.maxAttributeValueBytes(),
                      config.maxAttentionMapBytes()),
                  config.receiveBufferBytes(),
                  config.bodyTimeout().toMillis(),
                  config.ingestToken()),
              queue,
              forwarder,
              self,
              clock::millis,
              otlpPool);
      Supplier<List<String>> readiness = () -> readinessProblems(store, worker, receiver);
      self.registerGauges(
          registry,
          new SelfMetrics.Sources(
              store::totalBytes,
              store::diskBytes,
              store::predictionCount,
              series::seriesCount,
              series::bytes,
              queue::size,
              queue::heldBytes,
              receiver::receivingBytes,
              baselines::bytes,
              verdicts::reservedBytes,
              () -> readiness.get().isEmpty() ? 1 : 0));
      HttpServerFactory.Limits limits =
          new HttpServerFactory.Limits(
              config.headerTimeout(), config.idleTimeout(), config.maxConnections());
      Server api =
          HttpServerFactory.create(
              HttpServerFactory.pool("headwatch-api", 16),
              config.host(),
              config.httpPort(),
              // Pages first: they decline /api, /metrics and /health, which the API handler
              // answers.
              new Handler.Sequence(
                  new WebHandler(config.traceUrlTemplate(), config.apiToken()),
                  new ApiHandler(
                      registry,
                      store,
                      baselines,
                      config.baselineWindow(),
                      clock::millis,
                      verdicts::baselineSize,
                      config.apiToken(),
                      readiness,
                      o ->
                          self.feedback(
                              o.model(),
                              o.write().feedback().label().apiName(),
                              o.predictionIds().size()))),
              limits,
              ApiHandler::errorBody);
      Server otlp =
          HttpServerFactory.create(
              otlpPool,
              config.host(),
              config.otlpPort(),
              receiver,
              limits,
              OtlpHttpHandler::errorBody);
      HeadwatchCollector collector =
          new HeadwatchCollector(
              store, receiver, queue, worker, forwarder, housekeeping, housekeepingRun, otlp, api);
      try {
        api.start();
        otlp.start();
      } catch (Exception e) {
        collector.close();
        throw e;
      }
      return collector;
    } catch (Exception | Error e) {
      store.close();
      throw e;
    }
  }

  /**
   * Retention by age and bytes, then series expiry, at the clock's time. Runs every
   * retention-interval; a failure is logged and the next run tries again.
   */
  private static void housekeep(
      PredictionStore store, SeriesRegistry series, CollectorConfig config, Clock clock) {
    try {
      long deleted =
          store.enforceRetention(
              clock.millis(), config.retentionAge().toMillis(), config.retentionBytes());
      if (deleted > 0) {
        LOG.info("retention deleted {} predictions", deleted);
      }
      long maps = store.enforceAttentionMapBytes(config.attentionMapsBytes());
      if (maps > 0) {
        LOG.info("attention-maps-bytes: deleted the {} oldest attention maps", maps);
      }
      series.expire();
    } catch (Exception e) {
      LOG.warn("retention run failed", e);
    }
  }

  /** What keeps the collector from taking requests now; empty when it is ready. */
  private static List<String> readinessProblems(
      PredictionStore store, IngestWorker worker, OtlpHttpHandler receiver) {
    List<String> problems = new ArrayList<>();
    if (!worker.running()) {
      problems.add("the ingest worker is stopped or being restarted after a failure");
    }
    if (!store.healthy()) {
      problems.add("the store failed its last write");
    }
    if (receiver.stopping()) {
      problems.add("the collector is stopping");
    }
    return problems;
  }

  /**
   * The bounded parts can hold up to their budgets' sum; below that plus room for the rest (Jetty,
   * SQLite's page cache is native, classes, a /metrics scrape), say so once at start.
   */
  private static void warnIfHeapIsSmall(CollectorConfig config) {
    long needed = config.boundedHeapBytes() + HEAP_BASE_BYTES;
    long max = Runtime.getRuntime().maxMemory();
    if (max < needed) {
      LOG.warn(
          "the heap (-Xmx{}m) is smaller than the {} MiB the configured budgets may use; start with"
              + " -Xmx{}m or lower the budgets (see docs/collector.md#heap)",
          max >> 20,
          needed >> 20,
          needed >> 20);
    }
  }

  /** Runs retention and series expiry now, on the housekeeping thread, and waits for it. */
  void housekeepNow() throws Exception {
    housekeeping.submit(housekeepingRun).get();
  }

  /** The bound OTLP/HTTP port (useful when configured as 0). */
  public int otlpPort() {
    return HttpServerFactory.port(otlpServer);
  }

  /** The bound API and /metrics port. */
  public int httpPort() {
    return HttpServerFactory.port(apiServer);
  }

  /**
   * Stops cleanly: new export requests get 503, the queued ones are applied and answered (at most
   * 10 s), the forward queue is sent, then the servers stop and the store closes.
   */
  @Override
  public void close() {
    receiver.stopAccepting();
    try {
      worker.drainAndStop(DRAIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // What the drain did not reach is answered 503 (agents retry elsewhere or later).
    queue.failWaiting(new IllegalStateException("the collector stopped"));
    if (forwarder != null) {
      forwarder.close();
    }
    housekeeping.shutdownNow();
    stopQuietly(otlpServer);
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
