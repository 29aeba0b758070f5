package io.headwatch.collector.store;

import io.headwatch.collector.model.AttentionMap;
import java.util.List;
import java.util.Optional;

/**
 * Where predictions live. One writer (the ingest worker, and the retention job between its batches)
 * and many readers (API threads). {@link #write} returns only once its writes are durable: a crash
 * after it returns loses none of them. The embedded implementation is {@code
 * store.sqlite.SqliteStore}; a shared server database (PostgreSQL, for fleets whose collectors
 * outgrow one machine) would implement the same contract.
 *
 * <p>Growth: later data about a prediction (a verdict, feedback labels, attention-map blobs) is
 * kept in rows that belong to the prediction (deleted with it by retention) and whose bytes are
 * charged to it, so {@code retention-bytes} keeps bounding the store.
 */
public interface PredictionStore extends AutoCloseable {
  /**
   * Applies the batch in one transaction, durably; on failure nothing of it is applied. Returns
   * what its feedback writes did, in order (empty without feedback writes).
   */
  List<FeedbackOutcome> write(WriteBatch batch) throws StoreException;

  /**
   * The snapshots of the {@code limit} most recently labelled predictions of a model (by the time
   * of their label), for comparing wrong with right ones.
   */
  List<LabelledSnapshot> labelledSnapshots(String model, int limit) throws StoreException;

  /**
   * Deletes predictions received before {@code nowMillis - maxAgeMillis}, then the oldest ones
   * until the stored bytes are at most {@code maxBytes}. Returns how many were deleted.
   */
  long enforceRetention(long nowMillis, long maxAgeMillis, long maxBytes) throws StoreException;

  /** Models seen, most recently seen first. */
  List<ModelSummary> models() throws StoreException;

  /** Predictions matching the query, in its order, at most its limit. */
  List<PredictionSummary> find(PredictionQuery q) throws StoreException;

  /** One prediction by its numeric id. */
  Optional<PredictionDetail> byId(long id) throws StoreException;

  /** The most deviant (then newest) prediction of a trace. */
  Optional<PredictionDetail> byTraceId(String traceId) throws StoreException;

  /** The attention map of one sequence (batch index) of a prediction, if one is stored. */
  Optional<AttentionMap> attentionMap(long predictionId, int batchIndex) throws StoreException;

  /**
   * Deletes the oldest attention maps (by arrival) until the stored map bytes are at most {@code
   * maxBytes}; their predictions stay. Returns how many maps were deleted.
   */
  long enforceAttentionMapBytes(long maxBytes) throws StoreException;

  /** Bytes of stored attention maps (part of {@link #totalBytes()}). */
  long attentionMapBytes();

  /** Stored statistics of the newest snapshots with attention, oldest first (baseline refill). */
  List<StoredStatistics> recentStatistics(int limit) throws StoreException;

  /** Bytes of stored predictions as charged against retention-bytes. */
  long totalBytes();

  long predictionCount();

  /** Bytes the store takes on disk (files of the embedded store; may exceed totalBytes). */
  long diskBytes();

  /** True while the store accepts writes; false after a failed write until one succeeds. */
  boolean healthy();

  /** Flushes and closes; writes after this fail. */
  @Override
  void close();
}
