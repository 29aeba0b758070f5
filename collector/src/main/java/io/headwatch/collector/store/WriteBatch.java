package io.headwatch.collector.store;

import io.headwatch.collector.model.AttentionMap;
import io.headwatch.collector.model.Feedback;
import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.InferenceSpan;
import io.headwatch.collector.model.Snapshot;
import io.headwatch.collector.verdict.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes the store applies in one transaction, in order: all of them or none. The ingest worker
 * gathers the writes of several export requests into one batch (group commit), so that one durable
 * commit acknowledges them all.
 */
public final class WriteBatch {
  /** One write: an inference span, a scored snapshot, an attention map or a feedback label. */
  public sealed interface Write
      permits SpanWrite, SnapshotWrite, AttentionMapWrite, FeedbackWrite {}

  /** An inference span, creating or completing its prediction. */
  public record SpanWrite(InferenceSpan span, long receivedMillis) implements Write {}

  /**
   * A snapshot with its most deviant heads and its verdict (null when not judged); a repeated
   * (span, batch index) replaces it. The prediction keeps the gravest verdict of its snapshots.
   */
  public record SnapshotWrite(
      Snapshot snapshot, List<HeadDeviation> deviations, Verdict verdict, long receivedMillis)
      implements Write {
    /** A snapshot without a verdict. */
    public SnapshotWrite(Snapshot snapshot, List<HeadDeviation> deviations, long receivedMillis) {
      this(snapshot, deviations, null, receivedMillis);
    }
  }

  /** One sequence's attention maps; a repeated (span, batch index) replaces them. */
  public record AttentionMapWrite(AttentionMap map, long receivedMillis) implements Write {}

  /**
   * A label for every prediction of a trace ({@code traceId}, lower-case hex) or for one prediction
   * ({@code predictionId}); exactly one of them is non-null. It replaces an earlier label (upsert).
   * Unknown traces and ids change nothing (see {@link FeedbackOutcome}).
   */
  public record FeedbackWrite(String traceId, Long predictionId, Feedback feedback)
      implements Write {
    public FeedbackWrite {
      if ((traceId == null) == (predictionId == null)) {
        throw new IllegalArgumentException("give a trace id or a prediction id");
      }
    }
  }

  private final List<Write> writes = new ArrayList<>();

  public WriteBatch add(Write w) {
    writes.add(w);
    return this;
  }

  public WriteBatch addAll(List<? extends Write> ws) {
    writes.addAll(ws);
    return this;
  }

  public List<Write> writes() {
    return Collections.unmodifiableList(writes);
  }

  public boolean isEmpty() {
    return writes.isEmpty();
  }
}
