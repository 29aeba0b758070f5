package io.headwatch.collector.prometheus;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import java.util.function.DoubleSupplier;

/** The collector's own metrics, {@code headwatch_collector_*}. */
public final class SelfMetrics {
  private final Counter received;
  private final Counter rejected;
  private final Counter dropped;
  private final Counter workerRestarts;
  private final Counter storeWriteFailures;
  private final Counter verdicts;
  private final Counter anomalous;
  private final Counter feedback;
  private final java.util.Set<String> verdictModels =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Distinct model label values the verdict counters take; later models count under {@link
   * #OTHER_MODELS}, so that a stream of made-up model names cannot grow /metrics without bound.
   */
  public static final int MAX_VERDICT_MODELS = 1000;

  /** The model label value once {@link #MAX_VERDICT_MODELS} is reached. */
  public static final String OTHER_MODELS = "_other";

  public SelfMetrics(CollectorRegistry registry) {
    received =
        Counter.build(
                "headwatch_collector_received_total",
                "OTLP export requests accepted, by signal (metrics, traces, logs).")
            .labelNames("signal")
            .register(registry);
    rejected =
        Counter.build(
                "headwatch_collector_rejected_total",
                "OTLP export requests or items refused, by signal and reason.")
            .labelNames("signal", "reason")
            .register(registry);
    dropped =
        Counter.build(
                "headwatch_collector_dropped_total",
                "Items accepted but not kept, by reason (series_limit, forward_queue_full, ...).")
            .labelNames("reason")
            .register(registry);
    workerRestarts =
        Counter.build(
                "headwatch_collector_worker_restarts_total",
                "Worker threads started again after their loop failed, by worker (ingest, forward).")
            .labelNames("worker")
            .register(registry);
    storeWriteFailures =
        Counter.build(
                "headwatch_collector_store_write_failures_total",
                "Export requests whose spans or snapshots could not be stored (answered 503).")
            .register(registry);
    verdicts =
        Counter.build(
                "headwatch_collector_verdicts_total",
                "Predictions (sampled sequences) the collector judged, by model and status"
                    + " (scored, warming_up, too_large).")
            .labelNames("gen_ai_request_model", "status")
            .register(registry);
    anomalous =
        Counter.build(
                "headwatch_collector_anomalous_predictions_total",
                "Predictions judged anomalous, by model and kind: model (its internals deviate)"
                    + " or input (its input is unlike the baseline's).")
            .labelNames("gen_ai_request_model", "kind")
            .register(registry);
    feedback =
        Counter.build(
                "headwatch_collector_feedback_total",
                "Predictions labelled wrong or right (through the API or evaluation records), by"
                    + " model and label; a label given again counts again.")
            .labelNames("gen_ai_request_model", "label")
            .register(registry);
  }

  /** Counts {@code predictions} predictions of {@code model} labelled {@code label}. */
  public void feedback(String model, String label, int predictions) {
    if (predictions > 0) {
      feedback.labels(verdictModelLabel(model == null ? "" : model), label).inc(predictions);
    }
  }

  /** Counts one verdict; {@code kind} is none, model or input. */
  public void verdict(String model, String status, boolean isAnomalous, String kind) {
    String label = verdictModelLabel(model == null ? "" : model);
    verdicts.labels(label, status).inc();
    if (isAnomalous) {
      anomalous.labels(label, kind).inc();
    }
  }

  private String verdictModelLabel(String model) {
    if (verdictModels.contains(model)) {
      return model;
    }
    if (verdictModels.size() < MAX_VERDICT_MODELS) {
      verdictModels.add(model);
      return model;
    }
    return OTHER_MODELS;
  }

  /** Where the gauges read their values, at scrape time. */
  public record Sources(
      DoubleSupplier storeBytes,
      DoubleSupplier storeFileBytes,
      DoubleSupplier predictions,
      DoubleSupplier series,
      DoubleSupplier seriesBytes,
      DoubleSupplier ingestQueue,
      DoubleSupplier ingestQueueBytes,
      DoubleSupplier receivingBytes,
      DoubleSupplier baselineBytes,
      DoubleSupplier verdictBytes,
      DoubleSupplier ready) {}

  /** Adds gauges read at scrape time. */
  public void registerGauges(CollectorRegistry registry, Sources s) {
    gauge(
        registry,
        "headwatch_collector_store_bytes",
        "Bytes of stored predictions, as charged against --retention-bytes.",
        s.storeBytes());
    gauge(
        registry,
        "headwatch_collector_store_file_bytes",
        "Size of the prediction database on disk (the file and its write-ahead log).",
        s.storeFileBytes());
    gauge(
        registry,
        "headwatch_collector_store_predictions",
        "Predictions in the store.",
        s.predictions());
    gauge(
        registry, "headwatch_collector_series", "Series exposed from agents' metrics.", s.series());
    gauge(
        registry,
        "headwatch_collector_series_bytes",
        "Memory charged for the series exposed from agents' metrics (--max-series-bytes).",
        s.seriesBytes());
    gauge(
        registry,
        "headwatch_collector_ingest_queue_requests",
        "Export requests waiting in the ingest queue.",
        s.ingestQueue());
    gauge(
        registry,
        "headwatch_collector_ingest_queue_bytes",
        "Estimated heap of decoded requests not yet answered (--ingest-queue-bytes).",
        s.ingestQueueBytes());
    gauge(
        registry,
        "headwatch_collector_receive_buffer_bytes",
        "Bytes of request bodies being read or inflated (--receive-buffer-bytes).",
        s.receivingBytes());
    gauge(
        registry,
        "headwatch_collector_baseline_bytes",
        "Memory the baseline windows are sized for (--baseline-bytes).",
        s.baselineBytes());
    gauge(
        registry,
        "headwatch_collector_verdict_bytes",
        "Memory the verdict baselines are sized for (--verdict-bytes).",
        s.verdictBytes());
    gauge(
        registry,
        "headwatch_collector_ready",
        "1 when the collector is ready (GET /health/ready answers 200), else 0.",
        s.ready());
    Runtime rt = Runtime.getRuntime();
    gauge(
        registry,
        "headwatch_collector_heap_used_bytes",
        "Heap in use by the collector's JVM (including garbage not yet collected).",
        () -> rt.totalMemory() - rt.freeMemory());
    gauge(
        registry,
        "headwatch_collector_heap_max_bytes",
        "The collector JVM's maximum heap (-Xmx).",
        rt::maxMemory);
  }

  private static void gauge(
      CollectorRegistry registry, String name, String help, DoubleSupplier s) {
    Gauge.build(name, help)
        .create()
        .setChild(
            new Gauge.Child() {
              @Override
              public double get() {
                return s.getAsDouble();
              }
            })
        .register(registry);
  }

  public void received(String signal) {
    received.labels(signal).inc();
  }

  public void rejected(String signal, String reason) {
    rejected.labels(signal, reason).inc();
  }

  public void workerRestarted(String worker) {
    workerRestarts.labels(worker).inc();
  }

  public void storeFailed() {
    storeWriteFailures.inc();
  }

  public void dropped(String reason) {
    dropped.labels(reason).inc();
  }

  public void dropped(String reason, long n) {
    if (n > 0) {
      dropped.labels(reason).inc(n);
    }
  }
}
