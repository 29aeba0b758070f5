package com.example.semanticsearch;

import java.util.List;

/** Minimal JSON writing for the few shapes this service returns. */
final class Json {

  private Json() {}

  static String results(String query, List<SearchResult> results) {
    StringBuilder sb = new StringBuilder(256 + results.size() * 160);
    sb.append("{\"query\":");
    string(sb, query);
    sb.append(",\"results\":[");
    for (int i = 0; i < results.size(); i++) {
      SearchResult r = results.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"rank\":")
          .append(r.rank())
          .append(",\"score\":")
          .append(number(r.score()))
          .append(",\"id\":")
          .append(r.id())
          .append(",\"text\":");
      string(sb, r.text());
      sb.append('}');
    }
    sb.append("]}");
    return sb.toString();
  }

  static String error(String message) {
    StringBuilder sb = new StringBuilder(message.length() + 16);
    sb.append("{\"error\":");
    string(sb, message);
    sb.append('}');
    return sb.toString();
  }

  /** Full-precision number; JSON has no NaN or infinity, so those become null. */
  static String number(double d) {
    return Double.isFinite(d) ? Double.toString(d) : "null";
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
