package io.headwatch.agent.config;

import java.util.List;
import java.util.Locale;

/**
 * Turns a setting's text into its typed value, or says what was expected. Each parser carries its
 * limits, so that the limits are stated once, next to the setting they belong to.
 */
public abstract class SettingParser {
  private final String expected;

  private SettingParser(String expected) {
    this.expected = expected;
  }

  /** What a valid value looks like, for error messages and the configuration doc. */
  public final String expected() {
    return expected;
  }

  /** The typed value, or null when {@code text} is not valid. */
  abstract Object parse(String text);

  /** {@code true} or {@code false}. */
  static SettingParser bool() {
    return new SettingParser("true or false") {
      @Override
      Object parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        return v.equals("true") || v.equals("false") ? Boolean.valueOf(v) : null;
      }
    };
  }

  /** A decimal number in [min, max]; with {@code noneAllowed}, {@code none} is +infinity. */
  static SettingParser decimal(double min, double max, boolean noneAllowed) {
    return new SettingParser(
        "a number in [" + min + ", " + max + "]" + (noneAllowed ? " or none" : "")) {
      @Override
      Object parse(String text) {
        String v = text.trim();
        if (noneAllowed && v.equalsIgnoreCase("none")) {
          return Double.POSITIVE_INFINITY;
        }
        try {
          double d = Double.parseDouble(v);
          return d >= min && d <= max ? d : null;
        } catch (NumberFormatException e) {
          return null;
        }
      }
    };
  }

  /** A whole number in [min, max]. */
  static SettingParser integer(long min, long max) {
    return new SettingParser("an integer in [" + min + ", " + max + "]") {
      @Override
      Object parse(String text) {
        try {
          long v = Long.parseLong(text.trim());
          return v >= min && v <= max ? v : null;
        } catch (NumberFormatException e) {
          return null;
        }
      }
    };
  }

  /** One of the given words, case-insensitive. */
  static SettingParser choice(String... allowed) {
    List<String> words = List.of(allowed);
    return new SettingParser("one of " + String.join(", ", words)) {
      @Override
      Object parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        return words.contains(v) ? v : null;
      }
    };
  }

  /** A Java regular expression of at most 1,000 characters (empty: none). */
  static SettingParser regex() {
    return new SettingParser(
        "a Java regular expression (java.util.regex) of at most 1000 characters") {
      @Override
      Object parse(String text) {
        String v = text.trim();
        if (v.length() > 1000) {
          return null;
        }
        try {
          java.util.regex.Pattern.compile(v);
          return v;
        } catch (java.util.regex.PatternSyntaxException e) {
          return null;
        }
      }
    };
  }

  /** A name of at most 128 printable characters (empty: derive it). */
  static SettingParser name() {
    return new SettingParser("a name of at most 128 printable characters") {
      @Override
      Object parse(String text) {
        String v = text.trim();
        return v.length() <= 128 && v.chars().noneMatch(Character::isISOControl) ? v : null;
      }
    };
  }

  /** At most this many pairs in a name map. */
  static final int MAX_NAME_PAIRS = 256;

  /**
   * {@code from=to} pairs separated by {@code ;} or {@code ,}, each name of {@code [A-Za-z0-9._-]},
   * at most 128 characters; a map in the order given (empty text: empty map).
   */
  static SettingParser nameMap() {
    return new SettingParser(
        "derived=wanted pairs separated by ; or , (names of letters, digits, '.', '_', '-', at"
            + " most "
            + MAX_NAME_PAIRS
            + " pairs)") {
      @Override
      Object parse(String text) {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (String pair : text.split("[;,]")) {
          if (pair.isBlank()) {
            continue;
          }
          int eq = pair.indexOf('=');
          if (eq < 0) {
            return null;
          }
          String from = pair.substring(0, eq).trim();
          String to = pair.substring(eq + 1).trim();
          if (!isLabel(from) || !isLabel(to) || map.size() >= MAX_NAME_PAIRS) {
            return null;
          }
          map.put(from, to);
        }
        return java.util.Collections.unmodifiableMap(map);
      }
    };
  }

  private static boolean isLabel(String name) {
    if (name.isEmpty() || name.length() > 128) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))) {
        return false;
      }
    }
    return true;
  }
}
