package io.headwatch.agent.config;

/**
 * Every Headwatch setting: its key, default, limits and meaning. The configuration doc's table is
 * checked against this list ({@code DocsConsistencyTest}), so the two cannot drift apart.
 *
 * <p>A setting {@code headwatch.x.y} is read from the agent arguments ({@code x.y=value}), the
 * system property {@code headwatch.x.y} or the environment variable {@code HEADWATCH_X_Y}, in that
 * order (see {@link HeadwatchConfig}).
 */
public enum Setting {
  ENABLED(
      "headwatch.enabled",
      "true",
      SettingParser.bool(),
      "Off switch: false leaves the application untouched."),
  SAMPLING_RATE(
      "headwatch.sampling.rate",
      "0.01",
      SettingParser.decimal(0.0, 1.0, false),
      "Share of inferences, in [0, 1], whose attention and activations are captured."),
  OVERHEAD_BUDGET(
      "headwatch.overhead.budget",
      "0.02",
      SettingParser.decimal(0.0, 100.0, true),
      "The agent's cost, as a share of the model's inference time, that the sampling rate is"
          + " lowered to stay within; none = no budget."),
  SAMPLING_MAX_PER_SECOND(
      "headwatch.sampling.max_per_second",
      "0",
      SettingParser.decimal(0.0, 1_000_000.0, false),
      "Captures per second and model at most (0 = no limit)."),
  MODEL_NAME(
      "headwatch.model.name",
      "",
      SettingParser.name(),
      "Model name for every model in this JVM (default: derived per model)."),
  MODEL_NAMES(
      "headwatch.model.names",
      "",
      SettingParser.nameMap(),
      "Names per model: derived=wanted pairs separated by ; (in agent arguments) or , — derived is"
          + " the name the agent would report (as logged at start), wanted the name to report"
          + " instead. Wins over headwatch.model.name."),
  OPERATION_NAME(
      "headwatch.operation.name",
      "",
      SettingParser.name(),
      "gen_ai.operation.name (default: embeddings, classification or inference, from the model's"
          + " outputs)."),
  ATTENTION_AGGREGATION(
      "headwatch.attention.aggregation",
      "auto",
      SettingParser.choice("auto", "head", "head_histogram", "layer", "top_k"),
      "Per-head attention series: head, head_histogram, layer, top_k or auto."),
  ATTENTION_TOP_K(
      "headwatch.attention.top_k",
      "4",
      SettingParser.integer(1, 1024),
      "Heads per layer and sampled sequence recorded per head in top_k mode."),
  ATTENTION_MAX_HEAD_SERIES(
      "headwatch.attention.max_head_series",
      "1024",
      SettingParser.integer(1, 1_000_000),
      "Per-head series per model at most in top_k mode, and the auto threshold."),
  QUEUE_CAPACITY(
      "headwatch.queue.capacity",
      "256",
      SettingParser.integer(1, 100_000),
      "Sampled inferences waiting for the statistics worker; beyond it they are dropped and"
          + " counted."),
  QUEUE_MAX_BYTES(
      "headwatch.queue.max_bytes",
      "67108864",
      SettingParser.integer(1 << 20, 1L << 34),
      "Bytes of captured tensors waiting for the statistics worker at most; beyond it captures"
          + " are dropped and counted."),
  SNAPSHOT_MAX_SEQUENCES(
      "headwatch.snapshot.max_sequences",
      "4",
      SettingParser.integer(0, 1024),
      "Snapshot log records per sampled inference (one per sequence of a batch)."),
  SNAPSHOT_TOKENS(
      "headwatch.snapshot.tokens",
      "false",
      SettingParser.bool(),
      "Put the input's token texts in snapshot records (personal data: off by default)."),
  SNAPSHOT_TOKENS_REDACT(
      "headwatch.snapshot.tokens.redact",
      "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+|\\+?\\d(?:[ ().-]*\\d){5}(?:[ ().-]*\\d)*",
      SettingParser.regex(),
      "With token capture on, tokens that spell a match of this Java regular expression become"
          + " [REDACTED] before they leave the tokenizer (default: e-mail addresses and runs of six"
          + " or more digits; empty: none)."),
  MAPS_RATE(
      "headwatch.maps.rate",
      "0.01",
      SettingParser.decimal(0.0, 1.0, false),
      "Share of captured sequences that also send their attention maps at random."),
  MAPS_UNUSUAL_Z(
      "headwatch.maps.unusual_z",
      "4",
      SettingParser.decimal(0.0, 1000.0, false),
      "A captured sequence with a head this many running standard deviations from its own running"
          + " mean sends its attention maps (0 = off)."),
  MAPS_ALL(
      "headwatch.maps.all",
      "false",
      SettingParser.bool(),
      "Every captured sequence sends its attention maps (also switchable at run time through JMX)."),
  MAPS_MAX_BYTES_PER_MINUTE(
      "headwatch.maps.max_bytes_per_minute",
      "4194304",
      SettingParser.integer(0, 1L << 34),
      "Bytes of attention maps sent per minute and model at most."),
  MAPS_FULL_MAX_TOKENS(
      "headwatch.maps.full_max_tokens",
      "64",
      SettingParser.integer(1, 1024),
      "Sequences of at most this many tokens send every weight; longer ones each query's top_k."),
  MAPS_TOP_K(
      "headwatch.maps.top_k",
      "8",
      SettingParser.integer(1, 256),
      "Weights per query sent for sequences longer than full_max_tokens."),
  ONNXRUNTIME_ENABLED(
      "headwatch.instrumentation.onnxruntime.enabled",
      "true",
      SettingParser.bool(),
      "Instrument ONNX Runtime (ai.onnxruntime)."),
  ONNX_MAX_MODEL_BYTES(
      "headwatch.onnx.max_model_bytes",
      "1073741824",
      SettingParser.integer(0, Integer.MAX_VALUE),
      "Models larger than this get inference-level telemetry only (the capture session holds a"
          + " second copy of the weights)."),
  ONNX_SERVE(
      "headwatch.onnx.serve",
      "true",
      SettingParser.bool(),
      "Serve sampled calls from the capture session once its outputs are verified bit for bit"
          + " identical (false: re-run sampled inputs on the capture session instead)."),
  ONNX_VERIFY_INFERENCES(
      "headwatch.onnx.verify_inferences",
      "3",
      SettingParser.integer(1, 1000),
      "Sampled inferences whose outputs the capture session must reproduce bit for bit before"
          + " it serves any."),
  ONNX_SPOT_CHECK_EVERY(
      "headwatch.onnx.spot_check_every",
      "256",
      SettingParser.integer(0, 1_000_000),
      "While serving, one served inference in this many is re-run on the application's session"
          + " and compared (0 = never)."),
  DJL_ENABLED(
      "headwatch.instrumentation.djl.enabled",
      "true",
      SettingParser.bool(),
      "Instrument DJL (ai.djl: predictors, the HuggingFace tokenizer, transformer blocks)."),
  DJL_MAX_CAPTURE_BYTES(
      "headwatch.djl.max_capture_bytes",
      "67108864",
      SettingParser.integer(0, Integer.MAX_VALUE),
      "Attention probabilities copied from one sampled DJL PyTorch prediction, at most."),
  SHUTDOWN_TIMEOUT_MS(
      "headwatch.shutdown.timeout_ms",
      "5000",
      SettingParser.integer(0, 600_000),
      "At JVM exit, how long to finish queued statistics and flush telemetry."),
  DEBUG("headwatch.debug", "false", SettingParser.bool(), "Verbose agent log on standard error.");

  private final String key;
  private final String defaultValue;
  private final SettingParser parser;
  private final String description;

  Setting(String key, String defaultValue, SettingParser parser, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.description = description;
  }

  /** The full key, {@code headwatch.x.y}. */
  public String key() {
    return key;
  }

  /** The default as text; empty for a value derived per model. */
  public String defaultValue() {
    return defaultValue;
  }

  /** What a valid value looks like. */
  public String expected() {
    return parser.expected();
  }

  public String description() {
    return description;
  }

  /** The environment variable that carries this setting: {@code HEADWATCH_X_Y}. */
  public String envName() {
    return HeadwatchConfig.envName(key);
  }

  SettingParser parser() {
    return parser;
  }

  /** The setting with this full key, or null. */
  public static Setting byKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }
}
