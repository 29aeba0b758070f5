package io.headwatch.agent.config;

import io.headwatch.agent.util.AgentLog;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Headwatch's own settings ({@link Setting}), read once at start-up.
 *
 * <p>Each setting {@code headwatch.x.y} is looked up, in this order, in the agent arguments ({@code
 * -javaagent:headwatch-agent.jar=x.y=value,...}, the {@code headwatch.} prefix optional), the
 * system property {@code headwatch.x.y}, and the environment variable {@code HEADWATCH_X_Y}. A
 * value that does not parse gets one log line naming the setting, the value and its source, and the
 * default is used. OpenTelemetry's own settings ({@code OTEL_*}, {@code otel.*}) are read by the
 * OpenTelemetry SDK, not here.
 */
public final class HeadwatchConfig {
  private final Map<Setting, Object> values;

  private HeadwatchConfig(Map<Setting, Object> values) {
    this.values = values;
  }

  /** Reads settings from the agent arguments, system properties and environment of this JVM. */
  public static HeadwatchConfig load(String agentArgs) {
    return load(agentArgs, System.getProperties(), System.getenv());
  }

  /** Reads settings from the given sources (tests pass their own). */
  public static HeadwatchConfig load(String agentArgs, Properties system, Map<String, String> env) {
    Map<Setting, String> args = parseAgentArgs(agentArgs);
    Map<Setting, Object> values = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      values.put(setting, resolve(setting, args, system, env));
    }
    return new HeadwatchConfig(values);
  }

  /** A configuration of defaults with some settings replaced (tests). */
  public static HeadwatchConfig of(Map<Setting, String> overrides) {
    Properties system = new Properties();
    overrides.forEach((s, v) -> system.setProperty(s.key(), v));
    return load(null, system, Map.of());
  }

  private static Object resolve(
      Setting setting, Map<Setting, String> args, Properties system, Map<String, String> env) {
    String text;
    String source;
    if (args.containsKey(setting)) {
      text = args.get(setting);
      source = "agent argument";
    } else if (system.getProperty(setting.key()) != null) {
      text = system.getProperty(setting.key());
      source = "system property";
    } else if (env.get(setting.envName()) != null) {
      text = env.get(setting.envName());
      source = "environment variable " + setting.envName();
    } else {
      return setting.parser().parse(setting.defaultValue());
    }
    Object value = setting.parser().parse(text);
    if (value != null) {
      return value;
    }
    String fallback = setting.defaultValue().isEmpty() ? "(derived)" : setting.defaultValue();
    AgentLog.warn(
        "setting "
            + setting.key()
            + "='"
            + printable(text)
            + "' (from "
            + source
            + ") is not "
            + setting.expected()
            + "; using the default "
            + fallback);
    return setting.parser().parse(setting.defaultValue());
  }

  static Map<Setting, String> parseAgentArgs(String agentArgs) {
    Map<Setting, String> args = new LinkedHashMap<>();
    if (agentArgs == null || agentArgs.isBlank()) {
      return args;
    }
    List<String> unknown = new ArrayList<>();
    for (String pair : agentArgs.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = (eq < 0 ? pair : pair.substring(0, eq)).trim();
      String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
      if (!key.startsWith("headwatch.")) {
        key = "headwatch." + key;
      }
      Setting setting = Setting.byKey(key);
      if (setting == null) {
        unknown.add(printable(key));
        continue;
      }
      args.put(setting, value);
    }
    if (!unknown.isEmpty()) {
      List<String> known = new ArrayList<>();
      for (Setting s : Setting.values()) {
        known.add(s.key());
      }
      AgentLog.warn("unknown agent argument(s) " + unknown + " ignored; known settings: " + known);
    }
    return args;
  }

  /** The value as one printable line: a setting must not be able to forge log lines. */
  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 200; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * The environment variable that carries {@code key}: HEADWATCH_SAMPLING_RATE for
   * headwatch.sampling.rate.
   */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private boolean bool(Setting s) {
    return (Boolean) values.get(s);
  }

  private double decimal(Setting s) {
    return (Double) values.get(s);
  }

  private long integer(Setting s) {
    return (Long) values.get(s);
  }

  private String text(Setting s) {
    return (String) values.get(s);
  }

  public boolean enabled() {
    return bool(Setting.ENABLED);
  }

  public double samplingRate() {
    return decimal(Setting.SAMPLING_RATE);
  }

  /** Captures per second and model at most; 0 for no limit. */
  public double samplingMaxPerSecond() {
    return decimal(Setting.SAMPLING_MAX_PER_SECOND);
  }

  /** The agent's cost budget as a share of inference time; infinite when set to none. */
  public double overheadBudget() {
    return decimal(Setting.OVERHEAD_BUDGET);
  }

  /** The configured model name, or empty to derive one per model. */
  public String modelName() {
    return text(Setting.MODEL_NAME);
  }

  /** Names per model: derived name → name to report (empty: none). */
  @SuppressWarnings("unchecked")
  public Map<String, String> modelNames() {
    return (Map<String, String>) values.get(Setting.MODEL_NAMES);
  }

  /** The configured operation name, or empty to derive one per model. */
  public String operationName() {
    return text(Setting.OPERATION_NAME);
  }

  public int queueCapacity() {
    return (int) integer(Setting.QUEUE_CAPACITY);
  }

  /** Bytes of captured tensors that may wait for the statistics worker. */
  public long queueMaxBytes() {
    return integer(Setting.QUEUE_MAX_BYTES);
  }

  /** auto, head, layer or top_k (see AttentionSeries). */
  public String attentionAggregation() {
    return text(Setting.ATTENTION_AGGREGATION);
  }

  public int attentionTopK() {
    return (int) integer(Setting.ATTENTION_TOP_K);
  }

  public int attentionMaxHeadSeries() {
    return (int) integer(Setting.ATTENTION_MAX_HEAD_SERIES);
  }

  public int snapshotMaxSequences() {
    return (int) integer(Setting.SNAPSHOT_MAX_SEQUENCES);
  }

  /** Whether snapshot records carry the input's token texts. */
  public boolean snapshotTokens() {
    return bool(Setting.SNAPSHOT_TOKENS);
  }

  /** The pattern whose matches are redacted from captured token texts; empty for none. */
  public String snapshotTokensRedact() {
    return text(Setting.SNAPSHOT_TOKENS_REDACT);
  }

  /** Share of captured sequences that send their attention maps at random. */
  public double mapsRate() {
    return decimal(Setting.MAPS_RATE);
  }

  /** Running z from which a sequence is unusual enough to send its maps; 0 = off. */
  public double mapsUnusualZ() {
    return decimal(Setting.MAPS_UNUSUAL_Z);
  }

  /** Whether every captured sequence sends its maps (at start; JMX can change it). */
  public boolean mapsAll() {
    return bool(Setting.MAPS_ALL);
  }

  public long mapsMaxBytesPerMinute() {
    return integer(Setting.MAPS_MAX_BYTES_PER_MINUTE);
  }

  public int mapsFullMaxTokens() {
    return (int) integer(Setting.MAPS_FULL_MAX_TOKENS);
  }

  public int mapsTopK() {
    return (int) integer(Setting.MAPS_TOP_K);
  }

  public boolean onnxRuntimeEnabled() {
    return bool(Setting.ONNXRUNTIME_ENABLED);
  }

  public long onnxMaxModelBytes() {
    return integer(Setting.ONNX_MAX_MODEL_BYTES);
  }

  /** Whether verified capture sessions serve sampled calls (else sampled inputs are re-run). */
  public boolean onnxServe() {
    return bool(Setting.ONNX_SERVE);
  }

  /** Sampled inferences to verify bit for bit before serving. */
  public int onnxVerifyInferences() {
    return (int) integer(Setting.ONNX_VERIFY_INFERENCES);
  }

  /** One served inference in this many is compared with the application's session; 0 = never. */
  public int onnxSpotCheckEvery() {
    return (int) integer(Setting.ONNX_SPOT_CHECK_EVERY);
  }

  public boolean djlEnabled() {
    return bool(Setting.DJL_ENABLED);
  }

  public long djlMaxCaptureBytes() {
    return integer(Setting.DJL_MAX_CAPTURE_BYTES);
  }

  public long shutdownTimeoutMs() {
    return integer(Setting.SHUTDOWN_TIMEOUT_MS);
  }

  public boolean debug() {
    return bool(Setting.DEBUG);
  }
}
