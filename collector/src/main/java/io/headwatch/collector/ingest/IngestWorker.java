package io.headwatch.collector.ingest;

import io.headwatch.collector.baseline.BaselineTracker;
import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.model.AttentionStatistic;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.InferenceSpan;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.prometheus.OtlpMetricsTranslator;
import io.headwatch.collector.prometheus.SelfMetrics;
import io.headwatch.collector.queue.SupervisedWorker;
import io.headwatch.collector.store.FeedbackOutcome;
import io.headwatch.collector.store.PredictionStore;
import io.headwatch.collector.store.StoreException;
import io.headwatch.collector.store.StoredStatistics;
import io.headwatch.collector.store.WriteBatch;
import io.headwatch.collector.verdict.Verdict;
import io.headwatch.collector.verdict.VerdictEngine;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that applies queued exports: metrics to the series registry, inference spans,
 * snapshots and attention maps to the store, snapshots to the baselines. One writer keeps store
 * updates ordered and lets a span and its snapshot meet in either order.
 *
 * <p>Group commit: the worker takes every request waiting (up to {@link #MAX_BATCH}), writes all
 * their spans and snapshots in one durable transaction, and only then completes their {@link
 * IngestQueue.Item#done()}, which is when the receiver answers 200. If that transaction fails, each
 * request is written alone, so one bad request cannot fail the others.
 *
 * <p>The loop runs under a {@link SupervisedWorker}: if anything escapes it (an {@link
 * OutOfMemoryError} included), the requests in hand are failed (the receiver answers 503, agents
 * retry), the failure is counted and the loop starts again on a new thread.
 */
public final class IngestWorker {
  private static final Logger LOG = LoggerFactory.getLogger(IngestWorker.class);

  /** Requests per transaction at most. */
  static final int MAX_BATCH = 64;

  private final IngestQueue queue;
  private final OtlpMetricsTranslator metrics;
  private final PredictionStore store;
  private final BaselineTracker baselines;
  private final VerdictEngine verdicts;
  private final VerdictSink sink;
  private final SelfMetrics self;
  private final SupervisedWorker worker;
  private volatile String feedbackEvaluationName = "";
  private volatile boolean stopping;

  public IngestWorker(
      IngestQueue queue,
      OtlpMetricsTranslator metrics,
      PredictionStore store,
      BaselineTracker baselines,
      SelfMetrics self) {
    this(queue, metrics, store, baselines, null, VerdictSink.NONE, self);
  }

  /**
   * @param verdicts judges each snapshot with attention statistics; null: no verdicts
   * @param sink receives the verdicts of stored snapshots
   */
  public IngestWorker(
      IngestQueue queue,
      OtlpMetricsTranslator metrics,
      PredictionStore store,
      BaselineTracker baselines,
      VerdictEngine verdicts,
      VerdictSink sink,
      SelfMetrics self) {
    this.queue = queue;
    this.metrics = metrics;
    this.store = store;
    this.baselines = baselines;
    this.verdicts = verdicts;
    this.sink = sink;
    this.self = self;
    this.worker =
        new SupervisedWorker("headwatch-ingest", this::loop, () -> self.workerRestarted("ingest"));
  }

  /**
   * Reads {@code gen_ai.evaluation.result} records named {@code name} as feedback (empty: none);
   * call before {@link #start()}.
   */
  public IngestWorker feedbackEvaluationName(String name) {
    this.feedbackEvaluationName = name;
    return this;
  }

  public void start() {
    worker.start();
  }

  /** True while the loop runs (false while it is being restarted after a failure). */
  public boolean running() {
    return worker.running();
  }

  /** Applies what is queued, then stops; waits at most {@code timeoutMillis}. */
  public void drainAndStop(long timeoutMillis) throws InterruptedException {
    stopping = true;
    worker.join(timeoutMillis);
  }

  private void loop() {
    while (true) {
      List<IngestQueue.Item> batch;
      try {
        batch = queue.pollBatch(MAX_BATCH, 100);
      } catch (InterruptedException e) {
        return;
      }
      if (batch.isEmpty()) {
        if (stopping) {
          return;
        }
        continue;
      }
      try {
        apply(batch);
      } catch (Throwable t) {
        for (IngestQueue.Item item : batch) {
          item.done().completeExceptionally(t);
        }
        throw t;
      }
    }
  }

  /** What one request turned into: the store writes it needs (none for metrics). */
  private record Prepared(IngestQueue.Item item, List<WriteBatch.Write> writes) {
    /** The verdicts among the writes, for the sink once they are stored. */
    List<VerdictSink.Judged> judged() {
      List<VerdictSink.Judged> out = new ArrayList<>();
      for (WriteBatch.Write w : writes) {
        if (w instanceof WriteBatch.SnapshotWrite sw && sw.verdict() != null) {
          out.add(new VerdictSink.Judged(sw.snapshot(), sw.verdict()));
        }
      }
      return out;
    }
  }

  void apply(List<IngestQueue.Item> items) {
    List<Prepared> toStore = new ArrayList<>();
    WriteBatch all = new WriteBatch();
    for (IngestQueue.Item item : items) {
      List<WriteBatch.Write> writes;
      try {
        writes = prepare(item);
      } catch (RuntimeException e) {
        // A request that validated but cannot be applied: refuse it alone, keep the others.
        self.dropped("apply_error");
        LOG.warn("could not apply an export request", e);
        item.done().completeExceptionally(e);
        continue;
      }
      if (writes.isEmpty()) {
        item.done().complete(null);
      } else {
        toStore.add(new Prepared(item, writes));
        all.addAll(writes);
      }
    }
    if (toStore.isEmpty()) {
      return;
    }
    try {
      count(store.write(all));
      toStore.forEach(p -> p.item().done().complete(null));
      publish(toStore);
      return;
    } catch (StoreException e) {
      if (toStore.size() == 1) {
        fail(toStore.get(0), e);
        return;
      }
      LOG.warn("a batch of {} requests failed ({}); writing them one by one", toStore.size(), e);
    }
    for (Prepared p : toStore) {
      try {
        count(store.write(new WriteBatch().addAll(p.writes())));
        p.item().done().complete(null);
        publish(List.of(p));
      } catch (StoreException e) {
        fail(p, e);
      }
    }
  }

  /** Counts the feedback the store applied, and the labels for traces it does not hold. */
  private void count(List<FeedbackOutcome> outcomes) {
    if (outcomes == null) {
      return;
    }
    for (FeedbackOutcome o : outcomes) {
      if (o.applied()) {
        self.feedback(o.model(), o.write().feedback().label().apiName(), o.predictionIds().size());
      } else {
        self.dropped("feedback_unknown_trace");
      }
    }
  }

  /** Hands the stored verdicts to the sink; a failing sink is logged, never fails ingest. */
  private void publish(List<Prepared> stored) {
    List<VerdictSink.Judged> judged = new ArrayList<>();
    stored.forEach(p -> judged.addAll(p.judged()));
    if (judged.isEmpty()) {
      return;
    }
    try {
      sink.stored(judged);
    } catch (RuntimeException e) {
      LOG.warn("could not hand verdicts on", e);
    }
  }

  private void fail(Prepared p, StoreException e) {
    self.storeFailed();
    LOG.warn("could not store an export request", e);
    p.item().done().completeExceptionally(e);
  }

  /** Applies metrics at once; parses and scores spans and snapshots into store writes. */
  private List<WriteBatch.Write> prepare(IngestQueue.Item item) {
    List<WriteBatch.Write> writes = new ArrayList<>();
    if (item.request() instanceof ExportMetricsServiceRequest m) {
      metrics.accept(m);
    } else if (item.request() instanceof ExportTraceServiceRequest t) {
      for (InferenceSpan s : SpanParser.inferenceSpans(t)) {
        writes.add(new WriteBatch.SpanWrite(s, item.receivedMillis()));
      }
    } else if (item.request() instanceof ExportLogsServiceRequest l) {
      SnapshotParser.Result result = SnapshotParser.snapshots(l);
      self.dropped("invalid_snapshot", result.invalid());
      for (Snapshot s : result.snapshots()) {
        // Without attention statistics there is nothing to score, and the window keeps its shape.
        List<HeadDeviation> top =
            s.heads() == 0 || s.attention().isEmpty()
                ? List.of()
                : baselines.scoreAndAdd(
                    s.model(), s.layers(), s.heads(), statistics(s), s.timeNanos() / 1_000_000L);
        Verdict verdict = judge(s);
        writes.add(new WriteBatch.SnapshotWrite(s, top, verdict, item.receivedMillis()));
      }
      AttentionMapParser.Result maps = AttentionMapParser.maps(l);
      self.dropped("invalid_attention_map", maps.invalid());
      for (AttentionMap m : maps.maps()) {
        writes.add(new WriteBatch.AttentionMapWrite(m, item.receivedMillis()));
      }
      // After the snapshots, so that an outcome sent with its prediction finds it.
      EvaluationParser.Result outcomes =
          EvaluationParser.feedback(l, feedbackEvaluationName, item.receivedMillis());
      self.dropped("invalid_feedback", outcomes.unusable());
      writes.addAll(outcomes.feedback());
    }
    return writes;
  }

  /** The snapshot's verdict (counted in the metrics), or null when it cannot be judged. */
  private Verdict judge(Snapshot s) {
    if (verdicts == null || !VerdictInputs.judgeable(s)) {
      return null;
    }
    Verdict v;
    try {
      v = verdicts.judge(s.model(), VerdictInputs.of(s));
    } catch (RuntimeException e) {
      // A verdict is an addition: the snapshot is stored without one.
      self.dropped("verdict_error");
      LOG.warn("could not judge a snapshot of model {}", s.model(), e);
      return null;
    }
    self.verdict(s.model(), v.status().apiName(), v.anomalous(), v.kind().apiName());
    return v;
  }

  /**
   * Refills the verdict baselines from the newest stored snapshots, oldest first, judging each as
   * if it arrived again (the verdicts are discarded; the baselines end as they were).
   */
  public static void refillVerdicts(PredictionStore store, VerdictEngine verdicts, int limit)
      throws StoreException {
    for (StoredStatistics s : store.recentStatistics(limit)) {
      try {
        verdicts.judge(s.model(), VerdictInputs.of(s));
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "a stored snapshot of model {} cannot refill its verdict baseline: {}",
            s.model(),
            e.getMessage());
      }
    }
  }

  /** Refills the baselines from the newest stored snapshots (after a restart). */
  public static void refillBaselines(PredictionStore store, BaselineTracker baselines, int limit)
      throws StoreException {
    for (StoredStatistics s : store.recentStatistics(limit)) {
      double[][] stats = new double[AttentionStatistic.ALL.size()][];
      for (AttentionStatistic stat : AttentionStatistic.ALL) {
        stats[stat.ordinal()] = s.attention().get(stat.shortName());
      }
      baselines.add(s.model(), s.layers(), s.heads(), stats, s.timeNanos() / 1_000_000L);
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
