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
}
