package io.headwatch.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/** Metric, attribute and event names shared by the exporters (see docs/telemetry.md). */
public final class TelemetryNames {
  private TelemetryNames() {}

  public static final String SCOPE = "io.headwatch.agent";

  public static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<Long> INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> LAYER = AttributeKey.longKey("headwatch.layer");
  public static final AttributeKey<Long> HEAD = AttributeKey.longKey("headwatch.head");
  public static final AttributeKey<String> SITE = AttributeKey.stringKey("headwatch.site");
  public static final AttributeKey<Boolean> SAMPLED = AttributeKey.booleanKey("headwatch.sampled");
  public static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("headwatch.batch_size");
  public static final AttributeKey<String> PHASE = AttributeKey.stringKey("headwatch.phase");
  public static final AttributeKey<String> REASON = AttributeKey.stringKey("headwatch.reason");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  // Snapshot log record attributes.
  public static final String SNAPSHOT_EVENT = "headwatch.snapshot";
  public static final AttributeKey<Long> BATCH_INDEX =
      AttributeKey.longKey("headwatch.batch.index");
  public static final AttributeKey<Long> LAYERS = AttributeKey.longKey("headwatch.layers");
  public static final AttributeKey<Long> HEADS = AttributeKey.longKey("headwatch.heads");
  public static final AttributeKey<String> ACTIVATION_SITE =
      AttributeKey.stringKey("headwatch.activation.site");

  public static final String SITE_HIDDEN_STATE = "hidden_state";

  /** Whether a sampled inference's capture reached the statistics: captured, queued, dropped. */
  public static final AttributeKey<String> CAPTURE_STATUS =
      AttributeKey.stringKey("headwatch.capture.status");

  /** Why a sampled inference's capture was dropped (queue_full, shutdown, error, ...). */
  public static final AttributeKey<String> CAPTURE_DROP_REASON =
      AttributeKey.stringKey("headwatch.capture.drop_reason");

  public static final String CAPTURED = "captured";
  public static final String QUEUED = "queued";
  public static final String DROPPED = "dropped";

  // Classifier outputs and tokenizer facts, on spans and snapshots.
  public static final AttributeKey<Double> OUTPUT_CONFIDENCE =
      AttributeKey.doubleKey("headwatch.output.confidence");
  public static final AttributeKey<Double> OUTPUT_MARGIN =
      AttributeKey.doubleKey("headwatch.output.margin");
  public static final AttributeKey<Double> OUTPUT_ENTROPY =
      AttributeKey.doubleKey("headwatch.output.entropy");
  public static final AttributeKey<Long> TRUNCATED =
      AttributeKey.longKey("headwatch.input.truncated");
  public static final AttributeKey<Long> MAX_LENGTH =
      AttributeKey.longKey("headwatch.input.max_length");
  public static final AttributeKey<Long> UNKNOWN_TOKENS =
      AttributeKey.longKey("headwatch.input.unknown_tokens");
  public static final AttributeKey<List<String>> TOKENS =
      AttributeKey.stringArrayKey("headwatch.tokens");
  public static final AttributeKey<String> FRAMEWORK =
      AttributeKey.stringKey("headwatch.framework");

  // GenAI semantic conventions (open-telemetry/semantic-conventions-genai).
  public static final AttributeKey<String> PROVIDER =
      AttributeKey.stringKey("gen_ai.provider.name");
  public static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  public static final String PROVIDER_ONNXRUNTIME = "onnxruntime";
  public static final String PROVIDER_DJL = "djl";

  // Explicit buckets: the SDK defaults (0..10000) suit milliseconds, not these units. Few buckets
  // per instrument: every bucket is one series per model, layer and instance (docs/telemetry.md,
  // "Series per JVM").

  /** The GenAI conventions' advice for gen_ai.client.operation.duration. */
  public static final List<Double> GENAI_DURATION_BUCKETS_S =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  /** The GenAI conventions' advice for gen_ai.client.token.usage. */
  public static final List<Double> GENAI_TOKEN_BUCKETS =
      List.of(
          1.0,
          4.0,
          16.0,
          64.0,
          256.0,
          1024.0,
          4096.0,
          16384.0,
          65536.0,
          262144.0,
          1048576.0,
          4194304.0,
          16777216.0,
          67108864.0);

  public static final List<Double> OVERHEAD_BUCKETS_S =
      List.of(0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05);
  public static final List<Double> TOKEN_BUCKETS =
      List.of(4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 4096.0);
  public static final List<Double> RATIO_BUCKETS =
      List.of(0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0);
  public static final List<Double> ABS_MAX_BUCKETS = List.of(1.0, 4.0, 6.0, 16.0, 100.0, 1000.0);
  public static final List<Double> NORM_BUCKETS = List.of(0.5, 0.99, 1.01, 2.0, 8.0, 32.0);

  /**
   * No buckets: the histogram is only its sum and count (three Prometheus series with {@code
   * +Inf}), for values whose mean is what dashboards use.
   */
  public static final List<Double> NO_BUCKETS = List.of();

  public static final List<Double> UNKNOWN_TOKEN_BUCKETS = List.of(0.0, 1.0, 2.0, 4.0, 8.0, 32.0);
}
