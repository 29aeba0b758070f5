package io.headwatch.collector.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The collector's validated settings. Build with {@link ConfigLoader} or {@link #defaults()}. */
public final class CollectorConfig {
  private final Map<Setting, Object> values;

  CollectorConfig(Map<Setting, Object> values) {
    this.values = new EnumMap<>(values);
  }

  /** All defaults, as documented in docs/collector.md. */
  public static CollectorConfig defaults() {
    try {
      return ConfigLoader.load(new String[0], Map.of());
    } catch (ConfigException e) {
      throw new IllegalStateException("a default does not parse", e);
    }
  }

  /** A copy with one setting replaced (value given as text, validated as from a flag). */
  public CollectorConfig with(Setting setting, String text) throws ConfigException {
    Map<Setting, Object> copy = new EnumMap<>(values);
    copy.put(setting, setting.parse(text, "--" + setting.key()));
    return new CollectorConfig(copy);
  }

  public String host() {
    return (String) values.get(Setting.HOST);
  }

  public int otlpPort() {
    return (Integer) values.get(Setting.OTLP_PORT);
  }

  public int httpPort() {
    return (Integer) values.get(Setting.HTTP_PORT);
  }

  public Path dataDir() {
    return Path.of((String) values.get(Setting.DATA_DIR));
  }

  /** True when each commit waits for the disk (store-sync=full). */
  public boolean storeFullSync() {
    return "full".equals(values.get(Setting.STORE_SYNC));
  }

  public Duration retentionAge() {
    return (Duration) values.get(Setting.RETENTION_AGE);
  }

  public long retentionBytes() {
    return (Long) values.get(Setting.RETENTION_BYTES);
  }

  public Duration retentionInterval() {
    return (Duration) values.get(Setting.RETENTION_INTERVAL);
  }

  public long maxBodyBytes() {
    return (Long) values.get(Setting.MAX_BODY_BYTES);
  }

  public int ingestQueue() {
    return (Integer) values.get(Setting.INGEST_QUEUE);
  }

  public long ingestQueueBytes() {
    return (Long) values.get(Setting.INGEST_QUEUE_BYTES);
  }

  public long forwardQueueBytes() {
    return (Long) values.get(Setting.FORWARD_QUEUE_BYTES);
  }

  public Duration seriesTtl() {
    return (Duration) values.get(Setting.SERIES_TTL);
  }

  public int maxSeries() {
    return (Integer) values.get(Setting.MAX_SERIES);
  }

  public int baselineWindow() {
    return (Integer) values.get(Setting.BASELINE_WINDOW);
  }

  public int baselineMin() {
    return (Integer) values.get(Setting.BASELINE_MIN);
  }

  /** The head table's "now": snapshots received within this duration. */
  public Duration baselineNow() {
    return (Duration) values.get(Setting.BASELINE_NOW);
  }

  public double verdictThreshold() {
    return (Double) values.get(Setting.VERDICT_THRESHOLD);
  }

  public int verdictWindow() {
    return (Integer) values.get(Setting.VERDICT_WINDOW);
  }

  public int verdictMin() {
    return (Integer) values.get(Setting.VERDICT_MIN);
  }

  public long verdictModelBytes() {
    return (Long) values.get(Setting.VERDICT_MODEL_BYTES);
  }

  public long verdictBytes() {
    return (Long) values.get(Setting.VERDICT_BYTES);
  }

  /** The upstream OTLP/HTTP base URL, if forwarding is on. */
  public Optional<String> forwardEndpoint() {
    String v = (String) values.get(Setting.FORWARD_ENDPOINT);
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  public int forwardQueue() {
    return (Integer) values.get(Setting.FORWARD_QUEUE);
  }

  public Duration forwardTimeout() {
    return (Duration) values.get(Setting.FORWARD_TIMEOUT);
  }

  public int maxItemsPerRequest() {
    return (Integer) values.get(Setting.MAX_ITEMS);
  }

  public int maxAttentionCells() {
    return (Integer) values.get(Setting.MAX_ATTENTION_CELLS);
  }

  /** Largest body of one attention-map record. */
  public int maxAttentionMapBytes() {
    return (Integer) values.get(Setting.MAX_ATTENTION_MAP_BYTES);
  }

  /** Stored attention-map bytes at most; beyond, retention deletes the oldest maps. */
  public long attentionMapsBytes() {
    return (Long) values.get(Setting.ATTENTION_MAPS_BYTES);
  }

  public int maxAttributes() {
    return (Integer) values.get(Setting.MAX_ATTRIBUTES);
  }

  public int maxAttributeValueBytes() {
    return (Integer) values.get(Setting.MAX_ATTRIBUTE_VALUE_BYTES);
  }

  public long receiveBufferBytes() {
    return (Long) values.get(Setting.RECEIVE_BUFFER_BYTES);
  }

  public long maxSeriesBytes() {
    return (Long) values.get(Setting.MAX_SERIES_BYTES);
  }

  public long baselineBytes() {
    return (Long) values.get(Setting.BASELINE_BYTES);
  }

  public Duration headerTimeout() {
    return (Duration) values.get(Setting.HEADER_TIMEOUT);
  }

  public Duration bodyTimeout() {
    return (Duration) values.get(Setting.BODY_TIMEOUT);
  }

  public Duration idleTimeout() {
    return (Duration) values.get(Setting.IDLE_TIMEOUT);
  }

  public int maxConnections() {
    return (Integer) values.get(Setting.MAX_CONNECTIONS);
  }

  /** The OTLP bearer token; empty for none. */
  public String ingestToken() {
    return (String) values.get(Setting.INGEST_TOKEN);
  }

  /** The API and /metrics bearer token; empty for none. */
  public String apiToken() {
    return (String) values.get(Setting.API_TOKEN);
  }

  public boolean allowUnauthenticated() {
    return (Boolean) values.get(Setting.ALLOW_UNAUTHENTICATED);
  }

  /**
   * The heap the collector's bounded parts can hold at most with these settings, in bytes: the
   * budgets for bodies being received, decoded requests, baselines, verdict baselines, series and
   * (with forwarding) the forward queue. See docs/collector.md#heap.
   */
  public long boundedHeapBytes() {
    return receiveBufferBytes()
        + ingestQueueBytes()
        + baselineBytes()
        + verdictBytes()
        + maxSeriesBytes()
        + (forwardEndpoint().isPresent() ? forwardQueueBytes() : 0);
  }

  /** The evaluation name whose gen_ai.evaluation.result records are feedback; empty: none. */
  public String feedbackEvaluationName() {
    return (String) values.get(Setting.FEEDBACK_EVALUATION_NAME);
  }

  /** The pages' link to a trace in the user's tracing UI, if configured. */
  public Optional<String> traceUrlTemplate() {
    String v = (String) values.get(Setting.TRACE_URL_TEMPLATE);
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }
}
