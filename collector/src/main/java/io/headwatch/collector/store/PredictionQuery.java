package io.headwatch.collector.store;

/**
 * Filters for listing predictions; null fields do not filter. Times are epoch nanoseconds, {@code
 * from} inclusive and {@code to} exclusive.
 */
public record PredictionQuery(
    Long fromNanos, Long toNanos, String model, String traceId, Order order, int limit) {

  /** Sort order of a listing. */
  public enum Order {
    /** Largest robust z first; predictions without a score last, newest first among equals. */
    DEVIATION,
    /** Newest first. */
    TIME
  }
}
