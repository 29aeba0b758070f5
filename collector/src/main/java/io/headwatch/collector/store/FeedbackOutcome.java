package io.headwatch.collector.store;

import java.util.List;

/**
 * What one {@link WriteBatch.FeedbackWrite} did: the predictions it labelled (empty when its trace
 * or id is unknown) and their model (the first one's; a trace's predictions share one in practice).
 */
public record FeedbackOutcome(
    WriteBatch.FeedbackWrite write, List<Long> predictionIds, String model) {
  public boolean applied() {
    return !predictionIds.isEmpty();
  }
}
