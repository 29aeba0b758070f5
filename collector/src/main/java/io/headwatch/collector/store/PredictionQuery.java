package io.headwatch.collector.store;

/**
 * Filters for listing predictions; null fields do not filter. Times are epoch nanoseconds, {@code
 * from} inclusive and {@code to} exclusive.
 *
 * @param anomalous only predictions whose verdict is (true) or is not (false) anomalous; null: all,
 *     including those without a verdict
 * @param feedback only predictions with this kind of feedback; null: all
 */
public record PredictionQuery(
    Long fromNanos,
    Long toNanos,
    String model,
    String traceId,
    Boolean anomalous,
    FeedbackFilter feedback,
    Order order,
    int limit) {

  /** A query without a feedback filter. */
  public PredictionQuery(
      Long fromNanos,
      Long toNanos,
      String model,
      String traceId,
      Boolean anomalous,
      Order order,
      int limit) {
    this(fromNanos, toNanos, model, traceId, anomalous, null, order, limit);
  }

  /** A query without a verdict filter. */
  public PredictionQuery(
      Long fromNanos, Long toNanos, String model, String traceId, Order order, int limit) {
    this(fromNanos, toNanos, model, traceId, null, null, order, limit);
  }

  /** Which predictions a feedback filter keeps. */
  public enum FeedbackFilter {
    /** Labelled wrong. */
    WRONG,
    /** Labelled right. */
    RIGHT,
    /** Labelled either way. */
    ANY,
    /** Not labelled. */
    NONE
  }

  /** Sort order of a listing. */
  public enum Order {
    /** Largest robust z first; predictions without a score last, newest first among equals. */
    DEVIATION,
    /** Newest first. */
    TIME,
    /**
     * Highest verdict score first; predictions without a verdict last, newest first among equals.
     */
    SCORE
  }
}
