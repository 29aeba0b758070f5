package io.headwatch.collector.ingest;

import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.verdict.Verdict;
import java.util.List;

/**
 * Where verdicts go once their predictions are stored (besides the store and the metrics): the
 * forwarder sends them upstream as {@code gen_ai.evaluation.result} log records. Called on the
 * ingest thread; must not block for long and must not throw.
 */
@FunctionalInterface
public interface VerdictSink {
  /** One judged snapshot. */
  record Judged(Snapshot snapshot, Verdict verdict) {}

  void stored(List<Judged> judged);

  /** A sink that drops everything (forwarding off). */
  VerdictSink NONE = judged -> {};
}
