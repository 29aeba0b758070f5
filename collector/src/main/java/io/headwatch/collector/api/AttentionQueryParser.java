package io.headwatch.collector.api;

import java.util.Set;
import org.eclipse.jetty.util.Fields;

/** Validates the query parameters of GET /api/predictions/{id}/attention. */
final class AttentionQueryParser {
  /** Which sequence of the batch, and which head. */
  record AttentionQuery(int batch, int layer, int head) {}

  private static final Set<String> KNOWN = Set.of("batch", "layer", "head");
  private static final int MAX = 1_000_000;

  private AttentionQueryParser() {}

  static AttentionQuery parse(Fields params) throws BadParameterException {
    for (String name : params.getNames()) {
      if (!KNOWN.contains(name)) {
        throw new BadParameterException(name, "unknown parameter; expected one of " + KNOWN);
      }
      if (params.getValues(name).size() > 1) {
        throw new BadParameterException(name, "given more than once");
      }
    }
    return new AttentionQuery(
        index(params, "batch"), index(params, "layer"), index(params, "head"));
  }

  /** A non-negative integer; 0 when absent. */
  private static int index(Fields params, String name) throws BadParameterException {
    String v = params.getValue(name);
    if (v == null) {
      return 0;
    }
    int i;
    try {
      i = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      i = -1;
    }
    if (i < 0 || i > MAX) {
      throw new BadParameterException(name, "expected a non-negative integer, got '" + v + "'");
    }
    return i;
  }
}
