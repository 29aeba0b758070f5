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
  STORE_SYNC(
      "store-sync",
      "full",
      "full (a commit waits for the disk: survives power loss) or normal (survives a crash of"
          + " the process only)",
      Setting::storeSync),
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
      "192MiB",
      "a size such as 192MiB (estimated heap of decoded requests not yet answered)",
      ValueParsers::bytes),
  SERIES_TTL("series-ttl", "5m", "a duration such as 5m", ValueParsers::duration),
  MAX_SERIES("max-series", "100000", "a positive number of series", ValueParsers::positiveInt),
  BASELINE_WINDOW(
      "baseline-window",
      "500",
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
  MAX_ITEMS(
      "max-items-per-request",
      "100000",
      "a positive number of spans, log records and metric data points in one request",
      ValueParsers::positiveInt),
  MAX_ATTENTION_CELLS(
      "max-attention-cells",
      "16384",
      "a positive number: most layers x heads a snapshot may declare",
      ValueParsers::positiveInt),
  MAX_ATTRIBUTES(
      "max-attributes",
      "128",
      "a positive number of attributes on one resource, data point, inference span or snapshot",
      ValueParsers::positiveInt),
  MAX_ATTRIBUTE_VALUE_BYTES(
      "max-attribute-value-bytes",
      "16KiB",
      "a size such as 16KiB: longest attribute key or string value the collector keeps",
      ValueParsers::intBytes),
  MAX_ATTENTION_MAP_BYTES(
      "max-attention-map-bytes",
      "4MiB",
      "a size such as 4MiB: largest body of one headwatch.attention_map record",
      ValueParsers::intBytes),
  ATTENTION_MAPS_BYTES(
      "attention-maps-bytes",
      "256MiB",
      "a size such as 256MiB: stored attention-map bytes at most (the oldest maps go first)",
      ValueParsers::bytes),
  RECEIVE_BUFFER_BYTES(
      "receive-buffer-bytes",
      "64MiB",
      "a size such as 64MiB (request bodies being read and inflated at once)",
      ValueParsers::bytes),
  MAX_SERIES_BYTES(
      "max-series-bytes",
      "64MiB",
      "a size such as 64MiB (memory of the series exposed at /metrics)",
      ValueParsers::bytes),
  BASELINE_BYTES(
      "baseline-bytes",
      "64MiB",
      "a size such as 64MiB (memory of all models' baseline windows)",
      ValueParsers::bytes),
  BASELINE_NOW(
      "baseline-now",
      "15m",
      "a duration such as 15m: the snapshots received within it form \"now\" in the head table",
      ValueParsers::duration),
  VERDICT_THRESHOLD(
      "verdict-threshold",
      "0.001",
      "a tail probability above 0 and below 0.5: a prediction whose tail probability is at or"
          + " below it is anomalous",
      ValueParsers::probability),
  VERDICT_WINDOW(
      "verdict-window",
      "2000",
      "a number of clean predictions per model (at least verdict-min) that verdicts compare with",
      ValueParsers::positiveInt),
  VERDICT_MIN(
      "verdict-min",
      "200",
      "a number from 100 of clean predictions a model needs before its predictions are scored",
      ValueParsers::positiveInt),
  VERDICT_MODEL_BYTES(
      "verdict-model-bytes",
      "32MiB",
      "a size such as 32MiB (memory of one model's verdict baseline; its window shrinks to fit)",
      ValueParsers::bytes),
  VERDICT_BYTES(
      "verdict-bytes",
      "64MiB",
      "a size such as 64MiB, at least verdict-model-bytes (memory of all verdict baselines)",
      ValueParsers::bytes),
  HEADER_TIMEOUT(
      "header-timeout",
      "10s",
      "a duration such as 10s: request headers must arrive within it",
      ValueParsers::duration),
  BODY_TIMEOUT(
      "body-timeout",
      "60s",
      "a duration such as 60s: a request body must arrive within it",
      ValueParsers::duration),
  IDLE_TIMEOUT(
      "idle-timeout",
      "30s",
      "a duration such as 30s: a connection without traffic is closed after it",
      ValueParsers::duration),
  MAX_CONNECTIONS(
      "max-connections",
      "1000",
      "a positive number of open connections per port",
      ValueParsers::positiveInt),
  INGEST_TOKEN(
      "ingest-token",
      "",
      "empty (no check), or a bearer token of at least 16 visible ASCII characters that OTLP"
          + " requests must carry",
      ValueParsers::token,
      true),
  API_TOKEN(
      "api-token",
      "",
      "empty (no check), or a bearer token of at least 16 visible ASCII characters that API and"
          + " /metrics requests must carry",
      ValueParsers::token,
      true),
  ALLOW_UNAUTHENTICATED(
      "allow-unauthenticated",
      "false",
      "true or false: listen beyond loopback without both tokens (behind a proxy that"
          + " authenticates)",
      ValueParsers::bool),
  TRACE_URL_TEMPLATE(
      "trace-url-template",
      "",
      "an http(s) URL containing {trace_id} (and optionally {span_id}), such as"
          + " http://jaeger:16686/trace/{trace_id}, other braces percent-encoded; or empty",
      ValueParsers::traceUrlTemplate),
  FEEDBACK_EVALUATION_NAME(
      "feedback-evaluation-name",
      "outcome",
      "the gen_ai.evaluation.name of an application's gen_ai.evaluation.result records that"
          + " carry its outcome (wrong/right), or empty to read none; not headwatch.verdict",
      Setting::evaluationName);

  private final String key;
  private final String defaultValue;
  private final String expected;
  private final Function<String, Object> parser;
  private final boolean secret;

  Setting(String key, String defaultValue, String expected, Function<String, Object> parser) {
    this(key, defaultValue, expected, parser, false);
  }

  Setting(
      String key,
      String defaultValue,
      String expected,
      Function<String, Object> parser,
      boolean secret) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.expected = expected;
    this.parser = parser;
    this.secret = secret;
  }

  /** A secret (a token): its value is never printed, not even in an error. */
  public boolean secret() {
    return secret;
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
      throw ConfigException.invalid(
          this, source, secret ? "(hidden, " + text.length() + " characters)" : text, expected);
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

  private static Object evaluationName(String text) {
    String t = text.trim();
    // The collector's own verdict records must never read as feedback.
    return t.equals("headwatch.verdict") || t.length() > 256 ? null : t;
  }

  private static Object storeSync(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return t.equals("full") || t.equals("normal") ? t : null;
  }

  private static Object hostValue(String text) {
    String t = text.trim();
    return t.isEmpty() || t.contains(" ") || t.contains("/") ? null : t;
  }
}
