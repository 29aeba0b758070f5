package io.headwatch.collector.model;

import java.util.Locale;

/**
 * Someone's judgement of a prediction: it was wrong or right. Given through the API or read from an
 * application's {@code gen_ai.evaluation.result} log record; a later label for the same prediction
 * replaces the earlier one.
 *
 * @param note a short free text (at most {@link #MAX_NOTE} characters), or null
 * @param by who said so (at most {@link #MAX_BY} characters), or null; {@code otel} for labels read
 *     from evaluation records
 * @param source {@code api} or {@code otel}
 * @param receivedMillis when the collector received it (its clock)
 */
public record Feedback(Label label, String note, String by, String source, long receivedMillis) {
  /** Longest note kept. */
  public static final int MAX_NOTE = 500;

  /** Longest {@code by} kept. */
  public static final int MAX_BY = 100;

  public Feedback {
    if (label == null) {
      throw new IllegalArgumentException("a label is required");
    }
    if (note != null && note.length() > MAX_NOTE) {
      throw new IllegalArgumentException("note longer than " + MAX_NOTE);
    }
    if (by != null && by.length() > MAX_BY) {
      throw new IllegalArgumentException("by longer than " + MAX_BY);
    }
  }

  /** What the prediction was judged to be. */
  public enum Label {
    WRONG,
    RIGHT;

    /** {@code wrong} or {@code right}, as in the API. */
    public String apiName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The label named {@code wrong} or {@code right} (exactly), or null. */
    public static Label of(String apiName) {
      for (Label l : values()) {
        if (l.apiName().equals(apiName)) {
          return l;
        }
      }
      return null;
    }
  }
}
