package io.headwatch.collector.config;

/** A setting that cannot be used; the message names the setting, its value and what is expected. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message);
  }

  static ConfigException invalid(Setting setting, String source, String value, String expected) {
    return new ConfigException(
        "invalid setting "
            + setting.key()
            + " (from "
            + source
            + "): '"
            + value
            + "'; expected "
            + expected);
  }
}
