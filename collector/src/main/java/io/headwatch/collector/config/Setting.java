package io.headwatch.collector.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * Every collector setting: its key (flag {@code --key}, property {@code key}, environment variable
 * {@code HEADWATCH_COLLECTOR_KEY}), default, and the form its value must have.
 */
public enum Setting {
  HOST("host", "127.0.0.1", "an interface address or host name to listen on", Setting::hostValue),
  OTLP_PORT("otlp-port", "4318", "a TCP port 0-65535 (0 = any free port)", ValueParsers::port),
  HTTP_PORT("http-port", "9464", "a TCP port 0-65535 (0 = any free port)", ValueParsers::port),
  DATA_DIR("data-dir", "./headwatch-data", "a directory path", Setting::nonEmpty),
  RETENTION_AGE(
      "retention-age", "7d", "a duration such as 90s, 30m, 24h, 7d", ValueParsers::duration),
  RETENTION_BYTES(
      "retention-bytes", "1GiB", "a size such as 1048576, 512MiB, 1GiB", ValueParsers::bytes),
  RETENTION_INTERVAL(
      "retention-interval", "1m", "a duration such as 30s, 1m", ValueParsers::duration),
  MAX_BODY_BYTES(
      "max-body-bytes",
      "16MiB",
      "a size such as 4MiB (limit before and after gzip)",
      ValueParsers::bytes),
  INGEST_QUEUE("ingest-queue", "256", "a positive number of requests", ValueParsers::positiveInt),
  INGEST_QUEUE_BYTES(
      "ingest-queue-bytes",
      "64MiB",
      "a size such as 64MiB (decoded bodies queued)",
      ValueParsers::bytes),
  SERIES_TTL("series-ttl", "5m", "a duration such as 5m", ValueParsers::duration),
  MAX_SERIES("max-series", "100000", "a positive number of series", ValueParsers::positiveInt),
  BASELINE_WINDOW(
      "baseline-window",
      "500",
      "a positive number of snapshots per model",
      ValueParsers::positiveInt),
  BASELINE_RECENT(
      "baseline-recent",
      "50",
      "a positive number of snapshots per model",
      ValueParsers::positiveInt),
  BASELINE_MIN(
      "baseline-min", "20", "a positive number of snapshots per model", ValueParsers::positiveInt),
  FORWARD_ENDPOINT(
      "forward-endpoint",
      "",
      "an http(s) URL such as http://otel-collector:4318, or empty",
      ValueParsers::httpUrl),
  FORWARD_QUEUE(
      "forward-queue", "1000", "a positive number of requests", ValueParsers::positiveInt),
  FORWARD_QUEUE_BYTES(
      "forward-queue-bytes",
      "64MiB",
      "a size such as 64MiB (raw bodies queued)",
      ValueParsers::bytes),
  FORWARD_TIMEOUT("forward-timeout", "10s", "a duration such as 10s", ValueParsers::duration),
  TRACE_URL_TEMPLATE(
      "trace-url-template",
      "",
      "an http(s) URL containing {trace_id} (and optionally {span_id}), such as"
          + " http://jaeger:16686/trace/{trace_id}, other braces percent-encoded; or empty",
      ValueParsers::traceUrlTemplate);

  private final String key;
  private final String defaultValue;
  private final String expected;
  private final Function<String, Object> parser;

  Setting(String key, String defaultValue, String expected, Function<String, Object> parser) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.expected = expected;
    this.parser = parser;
  }

  /** The flag/property name, e.g. {@code otlp-port}. */
  public String key() {
    return key;
  }

  /** The default value as text. */
  public String defaultValue() {
    return defaultValue;
  }

  /** What a valid value looks like, for error messages and help. */
  public String expected() {
    return expected;
  }

  /** The environment variable, e.g. {@code HEADWATCH_COLLECTOR_OTLP_PORT}. */
  public String envName() {
    return "HEADWATCH_COLLECTOR_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  Object parse(String text, String source) throws ConfigException {
    Object value = parser.apply(text);
    if (value == null) {
      throw ConfigException.invalid(this, source, text, expected);
    }
    return value;
  }

  static Setting byKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }

  private static Object nonEmpty(String text) {
    return text.isBlank() ? null : text.trim();
  }

  private static Object hostValue(String text) {
    String t = text.trim();
    return t.isEmpty() || t.contains(" ") || t.contains("/") ? null : t;
  }
}
