package io.headwatch.collector.store;

import io.headwatch.collector.model.Feedback;

/**
 * One stored snapshot of a labelled prediction, for comparing wrong with right predictions.
 *
 * @param predictionId the prediction's id (a batch has several snapshots with the same id)
 */
public record LabelledSnapshot(
    long predictionId, String traceId, Feedback.Label label, StoredStatistics statistics) {}
