package io.headwatch.collector.api;

import io.headwatch.collector.store.PredictionQuery;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.Fields;

/** Validates the query parameters of GET /api/predictions. */
final class PredictionQueryParser {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final Set<String> KNOWN =
      Set.of("from", "to", "model", "trace_id", "verdict", "feedback", "order", "limit");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  private PredictionQueryParser() {}

  static PredictionQuery parse(Fields params) throws BadParameterException {
    for (String name : params.getNames()) {
      if (!KNOWN.contains(name)) {
        throw new BadParameterException(name, "unknown parameter; expected one of " + KNOWN);
      }
      if (params.getValues(name).size() > 1) {
        throw new BadParameterException(name, "given more than once");
      }
    }
    Long from = time(params, "from");
    Long to = time(params, "to");
    if (from != null && to != null && from >= to) {
      throw new BadParameterException("to", "must be after from");
    }
    String model = params.getValue("model");
    if (model != null && model.isEmpty()) {
      throw new BadParameterException("model", "is empty");
    }
    String traceId = params.getValue("trace_id");
    if (traceId != null) {
      traceId = traceId.toLowerCase(Locale.ROOT);
      if (!TRACE_ID.matcher(traceId).matches()) {
        throw new BadParameterException("trace_id", "expected 32 hex digits");
      }
    }
    Boolean anomalous = null;
    String v = params.getValue("verdict");
    if (v != null) {
      switch (v) {
        case "anomalous" -> anomalous = true;
        case "normal" -> anomalous = false;
        default -> throw new BadParameterException("verdict", "expected anomalous or normal");
      }
    }
    PredictionQuery.FeedbackFilter feedback = null;
    String f = params.getValue("feedback");
    if (f != null) {
      switch (f) {
        case "wrong" -> feedback = PredictionQuery.FeedbackFilter.WRONG;
        case "right" -> feedback = PredictionQuery.FeedbackFilter.RIGHT;
        case "any" -> feedback = PredictionQuery.FeedbackFilter.ANY;
        case "none" -> feedback = PredictionQuery.FeedbackFilter.NONE;
        default ->
            throw new BadParameterException("feedback", "expected wrong, right, any or none");
      }
    }
    PredictionQuery.Order order = PredictionQuery.Order.DEVIATION;
    String o = params.getValue("order");
    if (o != null) {
      switch (o) {
        case "deviation" -> order = PredictionQuery.Order.DEVIATION;
        case "score" -> order = PredictionQuery.Order.SCORE;
        case "time" -> order = PredictionQuery.Order.TIME;
        default -> throw new BadParameterException("order", "expected deviation, score or time");
      }
    }
    int limit = DEFAULT_LIMIT;
    String l = params.getValue("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new BadParameterException("limit", "expected an integer from 1 to " + MAX_LIMIT);
      }
    }
    return new PredictionQuery(from, to, model, traceId, anomalous, feedback, order, limit);
  }

  /**
   * The times a query may name: those epoch nanoseconds can hold (1970 to 2262). Anything outside
   * is a mistake, and "from year -1000000000" must not silently mean "everything".
   */
  private static final Instant EARLIEST = Instant.EPOCH;

  private static final Instant LATEST = Instant.ofEpochSecond(Long.MAX_VALUE / 1_000_000_000L - 1);

  /** Epoch milliseconds or an ISO-8601 instant, as epoch nanoseconds. */
  private static Long time(Fields params, String name) throws BadParameterException {
    String v = params.getValue(name);
    if (v == null) {
      return null;
    }
    Instant i;
    try {
      if (v.chars().allMatch(Character::isDigit) && !v.isEmpty() && v.length() <= 15) {
        i = Instant.ofEpochMilli(Long.parseLong(v));
      } else {
        i = Instant.parse(v);
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new BadParameterException(
          name, "expected epoch milliseconds or an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
    if (i.isBefore(EARLIEST) || i.isAfter(LATEST)) {
      throw new BadParameterException(
          name, "must be between " + EARLIEST + " and " + LATEST + "; got " + v);
    }
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
