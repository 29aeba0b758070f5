package io.headwatch.collector.store.sqlite;

/** Predictions and charged bytes in the store, kept in memory so scrapes need no query. */
final class StoreCounters {
  private long predictions;
  private long bytes;

  StoreCounters(long predictions, long bytes) {
    this.predictions = predictions;
    this.bytes = bytes;
  }

  synchronized void add(long predictionDelta, long bytesDelta) {
    predictions += predictionDelta;
    bytes += bytesDelta;
  }

  synchronized long predictions() {
    return predictions;
  }

  synchronized long bytes() {
    return bytes;
  }
}
