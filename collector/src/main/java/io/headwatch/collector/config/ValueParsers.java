package io.headwatch.collector.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value forms settings accept; each returns null when the text does not fit. */
final class ValueParsers {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)(B|KB|MB|GB|KiB|MiB|GiB)?");

  private ValueParsers() {}

  static Integer port(String text) {
    Long n = longValue(text);
    return n != null && n >= 0 && n <= 65535 ? n.intValue() : null;
  }

  static Integer positiveInt(String text) {
    Long n = longValue(text);
    return n != null && n > 0 && n <= Integer.MAX_VALUE ? n.intValue() : null;
  }

  /** A probability strictly between 0 and 0.5, such as 0.001 or 1e-3. */
  static Double probability(String text) {
    try {
      double p = Double.parseDouble(text.trim());
      return p > 0 && p < 0.5 ? p : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Long longValue(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** "90s", "5m", "24h", "7d", "500ms" or ISO-8601 ("PT5M"); must be positive. */
  static Duration duration(String text) {
    String t = text.trim();
    Duration d = null;
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
    } else if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        return null;
      }
    }
    return d != null && !d.isNegative() && !d.isZero() ? d : null;
  }

  /** "1048576", "512KiB", "16MiB", "1GiB", "10MB" (decimal); must be positive. */
  static Long bytes(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
    long factor =
        switch (m.group(2) == null ? "B" : m.group(2)) {
          case "KB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          case "KiB" -> 1L << 10;
          case "MiB" -> 1L << 20;
          case "GiB" -> 1L << 30;
          default -> 1L;
        };
    if (n <= 0 || n > Long.MAX_VALUE / factor) {
      return null;
    }
    return n * factor;
  }

  /** A size that fits an int. */
  static Integer intBytes(String text) {
    Long n = bytes(text);
    return n != null && n <= Integer.MAX_VALUE ? n.intValue() : null;
  }

  static Boolean bool(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null;
  }

  /** Empty, or at least 16 visible ASCII characters (no spaces). */
  static String token(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return "";
    }
    if (t.length() < 16) {
      return null;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return null;
      }
    }
    return t;
  }

  /** An absolute http(s) URL with a host; returns the text without a trailing slash. */
  static String httpUrl(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return "";
    }
    try {
      URI uri = new URI(t);
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!http || uri.getHost() == null) {
        return null;
      }
    } catch (Exception e) {
      return null;
    }
    return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }

  /**
   * A link template for the pages' "open in tracing UI" link: an http(s) URL once {@code
   * {trace_id}} and {@code {span_id}} are filled in. Empty turns the link off.
   */
  static String traceUrlTemplate(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return "";
    }
    if (!t.contains("{trace_id}")) {
      return null;
    }
    String filled =
        t.replace("{trace_id}", "0af7651916cd43dd8448eb211c80319c")
            .replace("{span_id}", "b7ad6b7169203331");
    return httpUrl(filled) == null ? null : t;
  }
}
