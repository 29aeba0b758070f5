package io.headwatch.collector.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import io.headwatch.collector.model.Feedback;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the bodies of POST /api/predictions/{key}/feedback and POST /api/feedback. Every
 * refusal names the field and says what is expected.
 */
final class FeedbackRequests {
  /** Largest body of either endpoint. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** Items in one bulk request at most. */
  static final int MAX_ITEMS = 1000;

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Set<String> FIELDS = Set.of("label", "note", "by");
  private static final Set<String> ITEM_FIELDS = Set.of("trace_id", "label", "note", "by");

  private FeedbackRequests() {}

  /** One bulk item: a valid label for a trace, or why the item was refused. */
  record Item(int index, String traceId, Feedback feedback, BadParameterException error) {}

  /** The body of POST /api/predictions/{key}/feedback. */
  static Feedback single(String body, long nowMillis) throws BadParameterException {
    JsonObject o = object(parse(body), "body");
    return feedback(o, FIELDS, "", nowMillis);
  }

  /**
   * The items of POST /api/feedback. A body that is not {"items": [...]} with 1 to {@link
   * #MAX_ITEMS} items is refused whole; an invalid item is refused alone (its error in its {@link
   * Item}).
   */
  static List<Item> bulk(String body, long nowMillis) throws BadParameterException {
    JsonObject o = object(parse(body), "body");
    for (String key : o.keySet()) {
      if (!key.equals("items")) {
        throw new BadParameterException(key, "unknown field; expected {\"items\": [...]}");
      }
    }
    JsonElement items = o.get("items");
    if (items == null || !items.isJsonArray()) {
      throw new BadParameterException(
          "items",
          "expected an array of {\"trace_id\": …, \"label\": \"wrong\"|\"right\"} objects");
    }
    int n = items.getAsJsonArray().size();
    if (n == 0 || n > MAX_ITEMS) {
      throw new BadParameterException(
          "items", "expected 1 to " + MAX_ITEMS + " items, got " + n + "; split larger sets");
    }
    List<Item> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String prefix = "items[" + i + "].";
      try {
        JsonObject item = object(items.getAsJsonArray().get(i), "items[" + i + "]");
        JsonElement trace = item.get("trace_id");
        if (trace == null
            || !trace.isJsonPrimitive()
            || !TRACE_ID.matcher(trace.getAsString()).matches()) {
          throw new BadParameterException(
              prefix + "trace_id", "expected a trace id of 32 hex digits, got " + shown(trace));
        }
        Feedback f = feedback(item, ITEM_FIELDS, prefix, nowMillis);
        out.add(new Item(i, trace.getAsString().toLowerCase(Locale.ROOT), f, null));
      } catch (BadParameterException e) {
        out.add(new Item(i, null, null, e));
      }
    }
    return out;
  }

  private static Feedback feedback(JsonObject o, Set<String> allowed, String prefix, long nowMillis)
      throws BadParameterException {
    for (String key : o.keySet()) {
      if (!allowed.contains(key)) {
        throw new BadParameterException(
            prefix + key, "unknown field; expected " + String.join(", ", sorted(allowed)));
      }
    }
    JsonElement label = o.get("label");
    Feedback.Label l =
        label != null && label.isJsonPrimitive() && label.getAsJsonPrimitive().isString()
            ? Feedback.Label.of(label.getAsString())
            : null;
    if (l == null) {
      throw new BadParameterException(
          prefix + "label", "expected \"wrong\" or \"right\", got " + shown(label));
    }
    String note = text(o, "note", Feedback.MAX_NOTE, prefix);
    String by = text(o, "by", Feedback.MAX_BY, prefix);
    return new Feedback(l, note, by, "api", nowMillis);
  }

  private static String text(JsonObject o, String field, int max, String prefix)
      throws BadParameterException {
    JsonElement e = o.get(field);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new BadParameterException(prefix + field, "expected a string, got " + shown(e));
    }
    String s = e.getAsString();
    if (s.length() > max) {
      throw new BadParameterException(
          prefix + field, "at most " + max + " characters, got " + s.length() + "; shorten it");
    }
    return s.isEmpty() ? null : s;
  }

  private static JsonElement parse(String body) throws BadParameterException {
    try {
      JsonReader reader = new JsonReader(new StringReader(body));
      reader.setNestingLimit(20);
      JsonElement e = JsonParser.parseReader(reader);
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new BadParameterException("body", "expected one JSON object, found more after it");
      }
      return e;
    } catch (JsonParseException | java.io.IOException | IllegalStateException e) {
      throw new BadParameterException(
          "body", "not valid JSON (" + e.getMessage() + "); send a JSON object");
    }
  }

  private static JsonObject object(JsonElement e, String name) throws BadParameterException {
    if (e == null || !e.isJsonObject()) {
      throw new BadParameterException(name, "expected a JSON object, got " + shown(e));
    }
    return e.getAsJsonObject();
  }

  /** A value as it appears in an error: JSON text, cut to 40 characters. */
  private static String shown(JsonElement e) {
    if (e == null) {
      return "nothing";
    }
    String s = e.toString();
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
