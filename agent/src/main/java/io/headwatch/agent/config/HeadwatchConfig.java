package io.headwatch.agent.config;

import io.headwatch.agent.util.AgentLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Headwatch's own settings, read once at start-up.
 *
 * <p>Each setting {@code headwatch.x.y} is looked up, in this order, in the agent arguments ({@code
 * -javaagent:headwatch-agent.jar=x.y=value,...}, the {@code headwatch.} prefix optional), the
 * system property {@code headwatch.x.y}, and the environment variable {@code HEADWATCH_X_Y}. A
 * value that does not parse gets one log line naming the setting, the value and its source, and the
 * default is used. OpenTelemetry's own settings ({@code OTEL_*}, {@code otel.*}) are read by the
 * OpenTelemetry SDK, not here.
 */
public final class HeadwatchConfig {
  public static final String ENABLED = "headwatch.enabled";
  public static final String SAMPLING_RATE = "headwatch.sampling.rate";
  public static final String SAMPLING_MAX_PER_SECOND = "headwatch.sampling.max_per_second";
  public static final String OVERHEAD_BUDGET = "headwatch.overhead.budget";
  public static final String MODEL_NAME = "headwatch.model.name";
  public static final String OPERATION_NAME = "headwatch.operation.name";
  public static final String QUEUE_CAPACITY = "headwatch.queue.capacity";
  public static final String ATTENTION_AGGREGATION = "headwatch.attention.aggregation";
  public static final String ATTENTION_TOP_K = "headwatch.attention.top_k";
  public static final String ATTENTION_MAX_HEAD_SERIES = "headwatch.attention.max_head_series";
  public static final String SNAPSHOT_MAX_SEQUENCES = "headwatch.snapshot.max_sequences";
  public static final String ONNXRUNTIME_ENABLED = "headwatch.instrumentation.onnxruntime.enabled";
  public static final String ONNX_MAX_MODEL_BYTES = "headwatch.onnx.max_model_bytes";
  public static final String DJL_ENABLED = "headwatch.instrumentation.djl.enabled";
  public static final String DJL_MAX_CAPTURE_BYTES = "headwatch.djl.max_capture_bytes";
  public static final String SNAPSHOT_TOKENS = "headwatch.snapshot.tokens";
  public static final String SHUTDOWN_TIMEOUT_MS = "headwatch.shutdown.timeout_ms";
  public static final String DEBUG = "headwatch.debug";

  /**
   * Every setting with its default and a one-line description (the README table is built from
   * this).
   */
  public static final Map<String, String[]> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put(
        ENABLED, new String[] {"true", "Off switch: false leaves the application untouched."});
    SETTINGS.put(
        SAMPLING_RATE,
        new String[] {
          "0.01", "Share of inferences, in [0, 1], whose attention and activations are captured."
        });
    SETTINGS.put(
        SAMPLING_MAX_PER_SECOND,
        new String[] {"0", "Captures per second and model at most (0 = no limit)."});
    SETTINGS.put(
        OVERHEAD_BUDGET,
        new String[] {
          "0.02",
          "The agent's cost, as a share of the model's inference time, that the sampling rate is lowered to stay within; none = no budget."
        });
    SETTINGS.put(
        MODEL_NAME,
        new String[] {
          "",
          "Model name for every model in this JVM (default: from the model file name, else the graph name, else onnx-<hash>)."
        });
    SETTINGS.put(
        OPERATION_NAME,
        new String[] {
          "",
          "gen_ai.operation.name (default: embeddings, classification or inference, from the model's output names)."
        });
    SETTINGS.put(
        ATTENTION_AGGREGATION,
        new String[] {
          "auto",
          "Per-head attention series: head (every head), layer (per-layer distributions only), top_k (per-layer distributions and each sequence's k most unusual heads per layer), auto (head up to max_head_series heads, else top_k)."
        });
    SETTINGS.put(
        ATTENTION_TOP_K,
        new String[] {
          "4", "Heads per layer and sampled sequence recorded per head in top_k mode."
        });
    SETTINGS.put(
        ATTENTION_MAX_HEAD_SERIES,
        new String[] {
          "1024",
          "Per-head series per model at most in top_k mode (further heads are dropped and counted), and the auto threshold (layers x heads)."
        });
    SETTINGS.put(
        QUEUE_CAPACITY,
        new String[] {
          "32",
          "Sampled inferences waiting for the statistics worker; beyond it they are dropped and counted."
        });
    SETTINGS.put(
        SNAPSHOT_MAX_SEQUENCES,
        new String[] {
          "4",
          "Snapshot log records per sampled inference (one per sequence of a batch, at most this many)."
        });
    SETTINGS.put(
        ONNXRUNTIME_ENABLED, new String[] {"true", "Instrument ONNX Runtime (ai.onnxruntime)."});
    SETTINGS.put(
        ONNX_MAX_MODEL_BYTES,
        new String[] {
          "1073741824",
          "Models larger than this get inference-level telemetry only (the capture session holds a second copy of the weights)."
        });
    SETTINGS.put(
        DJL_ENABLED,
        new String[] {
          "true",
          "Instrument DJL (ai.djl: predictors, the HuggingFace tokenizer, transformer blocks)."
        });
    SETTINGS.put(
        DJL_MAX_CAPTURE_BYTES,
        new String[] {
          "67108864",
          "Attention probabilities copied from one sampled DJL PyTorch prediction, at most; beyond it the layers are skipped."
        });
    SETTINGS.put(
        SNAPSHOT_TOKENS,
        new String[] {
          "false",
          "Put the input's token texts in snapshot records (personal data in most products: off by default)."
        });
    SETTINGS.put(
        SHUTDOWN_TIMEOUT_MS,
        new String[] {
          "5000", "At JVM exit, how long to finish queued statistics and flush telemetry."
        });
    SETTINGS.put(DEBUG, new String[] {"false", "Verbose agent log on standard error."});
  }

  private final boolean enabled;
  private final double samplingRate;
  private final double samplingMaxPerSecond;
  private final double overheadBudget;
  private final String modelName;
  private final String operationName;
  private final int queueCapacity;
  private final String attentionAggregation;
  private final int attentionTopK;
  private final int attentionMaxHeadSeries;
  private final int snapshotMaxSequences;
  private final boolean onnxRuntimeEnabled;
  private final long onnxMaxModelBytes;
  private final boolean djlEnabled;
  private final long djlMaxCaptureBytes;
  private final boolean snapshotTokens;
  private final long shutdownTimeoutMs;
  private final boolean debug;

  private HeadwatchConfig(Resolver r) {
    this.enabled = r.bool(ENABLED);
    this.samplingRate = r.decimal(SAMPLING_RATE, 0.0, 1.0);
    this.samplingMaxPerSecond = r.decimal(SAMPLING_MAX_PER_SECOND, 0.0, 1_000_000.0);
    this.overheadBudget = r.decimalOrNone(OVERHEAD_BUDGET, 0.0, 100.0);
    this.modelName = r.text(MODEL_NAME);
    this.operationName = r.text(OPERATION_NAME);
    this.queueCapacity = (int) r.integer(QUEUE_CAPACITY, 1, 100_000);
    this.attentionAggregation = r.choice(ATTENTION_AGGREGATION, "auto", "head", "layer", "top_k");
    this.attentionTopK = (int) r.integer(ATTENTION_TOP_K, 1, 1024);
    this.attentionMaxHeadSeries = (int) r.integer(ATTENTION_MAX_HEAD_SERIES, 1, 1_000_000);
    this.snapshotMaxSequences = (int) r.integer(SNAPSHOT_MAX_SEQUENCES, 0, 1024);
    this.onnxRuntimeEnabled = r.bool(ONNXRUNTIME_ENABLED);
    this.onnxMaxModelBytes = r.integer(ONNX_MAX_MODEL_BYTES, 0, Integer.MAX_VALUE);
    this.djlEnabled = r.bool(DJL_ENABLED);
    this.djlMaxCaptureBytes = r.integer(DJL_MAX_CAPTURE_BYTES, 0, Integer.MAX_VALUE);
    this.snapshotTokens = r.bool(SNAPSHOT_TOKENS);
    this.shutdownTimeoutMs = r.integer(SHUTDOWN_TIMEOUT_MS, 0, 600_000);
    this.debug = r.bool(DEBUG);
  }

  /** Reads settings from the agent arguments, system properties and environment of this JVM. */
  public static HeadwatchConfig load(String agentArgs) {
    return load(agentArgs, System.getProperties(), System.getenv());
  }

  /** Reads settings from the given sources (tests pass their own). */
  public static HeadwatchConfig load(String agentArgs, Properties system, Map<String, String> env) {
    return new HeadwatchConfig(new Resolver(parseAgentArgs(agentArgs), system, env));
  }

  static Map<String, String> parseAgentArgs(String agentArgs) {
    Map<String, String> args = new LinkedHashMap<>();
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
      if (!SETTINGS.containsKey(key)) {
        unknown.add(key);
        continue;
      }
      args.put(key, value);
    }
    if (!unknown.isEmpty()) {
      AgentLog.warn(
          "unknown agent argument(s) "
              + unknown
              + " ignored; known settings: "
              + SETTINGS.keySet());
    }
    return args;
  }

  /**
   * The environment variable that carries {@code key}: HEADWATCH_SAMPLING_RATE for
   * headwatch.sampling.rate.
   */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  public boolean enabled() {
    return enabled;
  }

  public double samplingRate() {
    return samplingRate;
  }

  /** Captures per second and model at most; 0 for no limit. */
  public double samplingMaxPerSecond() {
    return samplingMaxPerSecond;
  }

  /** The agent's cost budget as a share of inference time; infinite when set to none. */
  public double overheadBudget() {
    return overheadBudget;
  }

  /** The configured model name, or empty to derive one per model. */
  public String modelName() {
    return modelName;
  }

  /** The configured operation name, or empty to derive one per model. */
  public String operationName() {
    return operationName;
  }

  public int queueCapacity() {
    return queueCapacity;
  }

  /** auto, head, layer or top_k (see AttentionSeries). */
  public String attentionAggregation() {
    return attentionAggregation;
  }

  public int attentionTopK() {
    return attentionTopK;
  }

  public int attentionMaxHeadSeries() {
    return attentionMaxHeadSeries;
  }

  public int snapshotMaxSequences() {
    return snapshotMaxSequences;
  }

  public boolean onnxRuntimeEnabled() {
    return onnxRuntimeEnabled;
  }

  public long onnxMaxModelBytes() {
    return onnxMaxModelBytes;
  }

  public boolean djlEnabled() {
    return djlEnabled;
  }

  public long djlMaxCaptureBytes() {
    return djlMaxCaptureBytes;
  }

  /** Whether snapshot records carry the input's token texts. */
  public boolean snapshotTokens() {
    return snapshotTokens;
  }

  public long shutdownTimeoutMs() {
    return shutdownTimeoutMs;
  }

  public boolean debug() {
    return debug;
  }

  /** Looks a setting up in its three sources and parses it, falling back to the default. */
  private static final class Resolver {
    private final Map<String, String> args;
    private final Properties system;
    private final Map<String, String> env;

    Resolver(Map<String, String> args, Properties system, Map<String, String> env) {
      this.args = args;
      this.system = system;
      this.env = env;
    }

    private String[] raw(String key) {
      if (args.containsKey(key)) {
        return new String[] {args.get(key), "agent argument"};
      }
      String value = system.getProperty(key);
      if (value != null) {
        return new String[] {value, "system property"};
      }
      value = env.get(envName(key));
      if (value != null) {
        return new String[] {value, "environment variable " + envName(key)};
      }
      return null;
    }

    private static String defaultOf(String key) {
      return SETTINGS.get(key)[0];
    }

    private static void reject(String key, String[] raw, String expected) {
      String fallback = defaultOf(key).isEmpty() ? "(derived)" : defaultOf(key);
      AgentLog.warn(
          "setting "
              + key
              + "='"
              + printable(raw[0])
              + "' (from "
              + raw[1]
              + ") is not "
              + expected
              + "; using the default "
              + fallback);
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

    boolean bool(String key) {
      String[] raw = raw(key);
      if (raw != null) {
        String v = raw[0].trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
          return Boolean.parseBoolean(v);
        }
        reject(key, raw, "true or false");
      }
      return Boolean.parseBoolean(defaultOf(key));
    }

    double decimal(String key, double min, double max) {
      return decimal(key, min, max, false);
    }

    /** A number in [min, max], or {@code none} for no limit (positive infinity). */
    double decimalOrNone(String key, double min, double max) {
      return decimal(key, min, max, true);
    }

    private double decimal(String key, double min, double max, boolean noneAllowed) {
      String[] raw = raw(key);
      if (raw != null) {
        String v = raw[0].trim();
        if (noneAllowed && v.equalsIgnoreCase("none")) {
          return Double.POSITIVE_INFINITY;
        }
        try {
          double d = Double.parseDouble(v);
          if (d >= min && d <= max) {
            return d;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        reject(
            key, raw, "a number in [" + min + ", " + max + "]" + (noneAllowed ? " or none" : ""));
      }
      return Double.parseDouble(defaultOf(key));
    }

    /** One of the given words (case-insensitive). */
    String choice(String key, String... allowed) {
      String[] raw = raw(key);
      if (raw != null) {
        String v = raw[0].trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
          if (a.equals(v)) {
            return v;
          }
        }
        reject(key, raw, "one of " + String.join(", ", allowed));
      }
      return defaultOf(key);
    }

    long integer(String key, long min, long max) {
      String[] raw = raw(key);
      if (raw != null) {
        try {
          long v = Long.parseLong(raw[0].trim());
          if (v >= min && v <= max) {
            return v;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        reject(key, raw, "an integer in [" + min + ", " + max + "]");
      }
      return Long.parseLong(defaultOf(key));
    }

    String text(String key) {
      String[] raw = raw(key);
      if (raw != null) {
        String v = raw[0].trim();
        if (v.length() <= 128 && v.chars().noneMatch(Character::isISOControl)) {
          return v;
        }
        reject(key, raw, "a name of at most 128 printable characters");
      }
      return defaultOf(key);
    }
  }
}
