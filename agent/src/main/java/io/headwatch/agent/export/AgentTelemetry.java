package io.headwatch.agent.export;

import io.headwatch.agent.util.AgentLog;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleGauge;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The instruments Headwatch records into, over one of two OpenTelemetry implementations:
 *
 * <ul>
 *   <li>with {@code -javaagent:headwatch-agent.jar}, the agent's own SDK (bundled and relocated, so
 *       it never meets the application's), configured the standard way from {@code OTEL_*}
 *       environment variables and {@code otel.*} system properties ({@link SdkTelemetry});
 *   <li>as an extension of the OpenTelemetry Java agent, that agent's SDK, through its API ({@link
 *       #over}): Headwatch bundles no SDK then.
 * </ul>
 */
public final class AgentTelemetry {
  /** Flushes (and, for the agent's own SDK, stops) the exporters at exit. */
  public interface Finisher {
    /** How the exporters finished within {@code timeoutMs}. */
    Flush finish(long timeoutMs);
  }

  /** The outcome of the flush at exit. */
  public enum Flush {
    /** Everything was sent. */
    SENT,
    /**
     * An export finished without success (refused connection, error answer). Checked at exit
     * because the SDK's own report of the failure may come after java.util.logging was reset by the
     * JVM's shutdown, and so never be printed.
     */
    FAILED,
    /** The deadline passed first. */
    TIMED_OUT
  }

  private final Finisher finisher;
  final Tracer tracer;
  final Logger logger;

  final DoubleHistogram operationDuration;
  final DoubleHistogram tokenUsage;
  final DoubleHistogram inputTokens;
  final LongCounter inferences;
  final DoubleHistogram overhead;
  final LongCounter dropped;
  final DoubleHistogram attentionEntropy;
  final DoubleHistogram attentionMaxWeight;
  final DoubleHistogram attentionSinkMass;
  final DoubleCounter headEntropy;
  final DoubleCounter headMaxWeight;
  final DoubleCounter headSinkMass;
  final LongCounter attentionSequences;
  final DoubleHistogram layerEntropy;
  final DoubleHistogram layerMaxWeight;
  final DoubleHistogram layerSinkMass;
  final DoubleHistogram activationAbsMax;
  final DoubleGauge activationMean;
  final DoubleHistogram activationStd;
  final LongCounter activationNonFinite;
  final DoubleHistogram activationOutlierFraction;
  final LongCounter activationMassive;
  final LongCounter inputTruncated;
  final DoubleHistogram unknownTokens;
  final DoubleHistogram outputConfidence;
  final DoubleHistogram outputMargin;
  final DoubleHistogram outputEntropy;
  final DoubleHistogram outputNorm;
  final LongCounter outputNonFinite;

  AgentTelemetry(OpenTelemetry openTelemetry, Finisher finisher) {
    this.finisher = finisher;
    this.tracer = openTelemetry.getTracer(TelemetryNames.SCOPE);
    this.logger = openTelemetry.getLogsBridge().get(TelemetryNames.SCOPE);
    Meter meter = openTelemetry.getMeter(TelemetryNames.SCOPE);
    operationDuration =
        histogram(
            meter,
            "gen_ai.client.operation.duration",
            "s",
            "Duration of one inference call seen by the agent (GenAI semantic conventions).",
            TelemetryNames.GENAI_DURATION_BUCKETS_S);
    tokenUsage =
        histogram(
            meter,
            "gen_ai.client.token.usage",
            "{token}",
            "Input tokens of one inference call, over its batch (GenAI semantic conventions).",
            TelemetryNames.GENAI_TOKEN_BUCKETS);
    inputTokens =
        histogram(
            meter,
            "headwatch.inference.input.tokens",
            "{token}",
            "Valid (unpadded) input tokens per sequence.",
            TelemetryNames.TOKEN_BUCKETS);
    inferences =
        meter
            .counterBuilder("headwatch.agent.inferences")
            .setUnit("{inference}")
            .setDescription("Inferences seen by the agent, by whether statistics were computed.")
            .build();
    overhead =
        histogram(
            meter,
            "headwatch.agent.overhead",
            "s",
            "Time the agent spent, per inference and phase.",
            TelemetryNames.OVERHEAD_BUCKETS_S);
    dropped =
        meter
            .counterBuilder("headwatch.agent.dropped")
            .setUnit("{item}")
            .setDescription("Work the agent dropped to protect the application, by reason.")
            .build();
    attentionEntropy =
        histogram(
            meter,
            "headwatch.attention.entropy",
            "1",
            "Normalised attention entropy per sequence, layer and head (0 = one key, 1 = uniform);"
                + " only in the head_histogram and top_k modes.",
            TelemetryNames.RATIO_BUCKETS);
    attentionMaxWeight =
        histogram(
            meter,
            "headwatch.attention.max_weight",
            "1",
            "Mean over queries of the largest attention weight, per layer and head; only in the"
                + " head_histogram and top_k modes.",
            TelemetryNames.RATIO_BUCKETS);
    attentionSinkMass =
        histogram(
            meter,
            "headwatch.attention.sink_mass",
            "1",
            "Mean attention weight on the first token, per layer and head; only in the"
                + " head_histogram and top_k modes.",
            TelemetryNames.RATIO_BUCKETS);
    headEntropy =
        meter
            .counterBuilder("headwatch.attention.head.entropy")
            .ofDoubles()
            .setUnit("1")
            .setDescription(
                "Sum over sampled sequences of each head's normalised attention entropy; divided"
                    + " by headwatch.attention.sequences it is the head's mean.")
            .build();
    headMaxWeight =
        meter
            .counterBuilder("headwatch.attention.head.max_weight")
            .ofDoubles()
            .setUnit("1")
            .setDescription(
                "Sum over sampled sequences of each head's mean largest attention weight.")
            .build();
    headSinkMass =
        meter
            .counterBuilder("headwatch.attention.head.sink_mass")
            .ofDoubles()
            .setUnit("1")
            .setDescription("Sum over sampled sequences of each head's first-token attention mass.")
            .build();
    attentionSequences =
        meter
            .counterBuilder("headwatch.attention.sequences")
            .setUnit("{sequence}")
            .setDescription("Sampled sequences whose attention statistics were recorded.")
            .build();
    layerEntropy =
        histogram(
            meter,
            "headwatch.attention.layer.entropy",
            "1",
            "Normalised attention entropy of every head of a layer, per sequence: the layer's"
                + " distribution (layer and top_k modes).",
            TelemetryNames.RATIO_BUCKETS);
    layerMaxWeight =
        histogram(
            meter,
            "headwatch.attention.layer.max_weight",
            "1",
            "Max attention weight of every head of a layer, per sequence.",
            TelemetryNames.RATIO_BUCKETS);
    layerSinkMass =
        histogram(
            meter,
            "headwatch.attention.layer.sink_mass",
            "1",
            "First-token attention mass of every head of a layer, per sequence.",
            TelemetryNames.RATIO_BUCKETS);
    activationAbsMax =
        histogram(
            meter,
            "headwatch.activation.abs_max",
            "",
            "Largest absolute activation per sequence, layer and site.",
            TelemetryNames.ABS_MAX_BUCKETS);
    // A gauge, not a histogram: means are often negative, and OpenTelemetry histograms only take
    // non-negative values. The exact per-sequence means are in the snapshots.
    activationMean =
        meter
            .gaugeBuilder("headwatch.activation.mean")
            .setUnit("")
            .setDescription("Mean activation of the latest sampled sequence, per layer and site.")
            .build();
    activationStd =
        histogram(
            meter,
            "headwatch.activation.std",
            "",
            "Standard deviation of activations per sequence, layer and site.",
            TelemetryNames.NO_BUCKETS);
    activationNonFinite =
        meter
            .counterBuilder("headwatch.activation.nonfinite")
            .setUnit("{value}")
            .setDescription("NaN and infinite activation values, per layer and site.")
            .build();
    activationOutlierFraction =
        histogram(
            meter,
            "headwatch.activation.outlier_fraction",
            "1",
            "Share of a sequence's activations with absolute value >= 6 (LLM.int8() outlier features),"
                + " per layer and site.",
            TelemetryNames.NO_BUCKETS);
    activationMassive =
        meter
            .counterBuilder("headwatch.activation.massive")
            .setUnit("{value}")
            .setDescription(
                "Massive activations (abs > 100 and >= 1000 x the median abs of the hidden"
                    + " state), per layer and site.")
            .build();
    inputTruncated =
        meter
            .counterBuilder("headwatch.inference.input.truncated")
            .setUnit("{inference}")
            .setDescription("Input sequences the tokenizer cut at the model's maximum length.")
            .build();
    unknownTokens =
        histogram(
            meter,
            "headwatch.inference.input.unknown_tokens",
            "{token}",
            "Unknown-vocabulary tokens ([UNK]) per input sequence.",
            TelemetryNames.UNKNOWN_TOKEN_BUCKETS);
    outputConfidence =
        histogram(
            meter,
            "headwatch.inference.output.confidence",
            "1",
            "Top-1 probability of a classifier's output, per input.",
            TelemetryNames.RATIO_BUCKETS);
    outputMargin =
        histogram(
            meter,
            "headwatch.inference.output.margin",
            "1",
            "Top-1 minus top-2 probability of a classifier's output, per input.",
            TelemetryNames.RATIO_BUCKETS);
    outputEntropy =
        histogram(
            meter,
            "headwatch.inference.output.entropy",
            "1",
            "Entropy of a classifier's output divided by ln(classes), per input.",
            TelemetryNames.RATIO_BUCKETS);
    outputNorm =
        histogram(
            meter,
            "headwatch.inference.output.norm",
            "",
            "L2 norm of each output embedding of an embedding model (first 2-D float output).",
            TelemetryNames.NORM_BUCKETS);
    outputNonFinite =
        meter
            .counterBuilder("headwatch.inference.output.nonfinite")
            .setUnit("{value}")
            .setDescription("NaN and infinite values in output embeddings.")
            .build();
    // Sampling state, read from each model's sampler when metrics are collected.
    meter
        .gaugeBuilder("headwatch.agent.sampling.effective_rate")
        .setUnit("1")
        .setDescription(
            "Share of inferences captured now: the configured rate, lowered to keep"
                + " within the overhead budget.")
        .buildWithCallback(
            gauge ->
                forEachModel(m -> gauge.record(m.sampler().effectiveRate(), m.modelAttributes())));
    meter
        .gaugeBuilder("headwatch.agent.cost")
        .setUnit("1")
        .setDescription(
            "The agent's measured cost as a share of the model's inference time"
                + " (averaged over the last seconds).")
        .buildWithCallback(
            gauge ->
                forEachModel(
                    m -> {
                      double cost = m.sampler().measuredCost();
                      if (!Double.isNaN(cost)) {
                        gauge.record(cost, m.modelAttributes());
                      }
                    }));
    meter
        .gaugeBuilder("headwatch.agent.cost.budget")
        .setUnit("1")
        .setDescription("The overhead budget the sampling rate keeps to (absent when none).")
        .buildWithCallback(
            gauge ->
                forEachModel(
                    m -> {
                      if (!Double.isInfinite(m.sampler().budget())) {
                        gauge.record(m.sampler().budget(), m.modelAttributes());
                      }
                    }));
  }

  /** Models whose sampling state is exported; bounded like every other per-model series. */
  private final List<ModelTelemetry> models = new CopyOnWriteArrayList<>();

  static final int MAX_MODELS = 256;

  void register(ModelTelemetry model) {
    if (models.size() < MAX_MODELS) {
      models.add(model);
    } else {
      AgentLog.warnOnce(
          "models-limit",
          "more than "
              + MAX_MODELS
              + " models; the sampling state"
              + " of further ones is not exported",
          null);
    }
  }

  private void forEachModel(java.util.function.Consumer<ModelTelemetry> action) {
    for (ModelTelemetry model : models) {
      action.accept(model);
    }
  }

  /** Instruments over an SDK built elsewhere (tests build one with in-memory exporters). */
  public static AgentTelemetry of(OpenTelemetrySdk sdk) {
    return SdkTelemetry.of(sdk);
  }

  /**
   * Instruments over an OpenTelemetry that belongs to someone else (the OpenTelemetry Java agent's
   * SDK, when Headwatch runs as its extension); {@code finisher} flushes it at exit.
   */
  public static AgentTelemetry over(OpenTelemetry openTelemetry, Finisher finisher) {
    return new AgentTelemetry(openTelemetry, finisher);
  }

  private static DoubleHistogram histogram(
      Meter meter, String name, String unit, String description, List<Double> buckets) {
    return meter
        .histogramBuilder(name)
        .setUnit(unit)
        .setDescription(description)
        .setExplicitBucketBoundariesAdvice(buckets)
        .build();
  }

  /** The agent's own SDK, built from the standard OpenTelemetry settings ({@link SdkTelemetry}). */
  public static AgentTelemetry create() {
    return SdkTelemetry.create();
  }

  /** The main jar's or main class's simple name: better than "unknown_service:java". */
  static String defaultServiceName() {
    String command = System.getProperty("sun.java.command", "").trim();
    if (command.isEmpty()) {
      return "unknown_service:java";
    }
    String first = command.split("\\s+")[0];
    if (first.endsWith(".jar")) {
      String file = Path.of(first).getFileName().toString();
      return file.substring(0, file.length() - 4);
    }
    int dot = first.lastIndexOf('.');
    return dot >= 0 ? first.substring(dot + 1) : first;
  }

  public void recordDropped(String reason) {
    dropped.add(1, Attributes.of(TelemetryNames.REASON, reason));
  }

  /**
   * Flushes (and stops the agent's own) exporters, waiting at most {@code timeoutMs}; returns
   * whether everything was sent, an export failed, or the deadline came first (a slow or silent
   * endpoint).
   */
  public Flush shutdown(long timeoutMs) {
    try {
      return finisher.finish(timeoutMs);
    } catch (RuntimeException e) {
      AgentLog.warnOnce("telemetry-shutdown", "flushing telemetry at exit failed", e);
      return Flush.FAILED;
    }
  }
}
