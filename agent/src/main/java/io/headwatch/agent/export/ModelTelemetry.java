package io.headwatch.agent.export;

import io.headwatch.agent.sampling.AdaptiveSampler;
import io.headwatch.agent.stats.ActivationSummary;
import io.headwatch.agent.stats.AttentionStatistics;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;

/**
 * Records one model's telemetry. Attribute sets are built once per model, layer and head, so that
 * recording allocates nothing per value.
 */
public final class ModelTelemetry {
  private static final int[] RECORDED_STATISTICS = {
    AttentionStatistics.ENTROPY,
    AttentionStatistics.MAX_WEIGHT,
    AttentionStatistics.FIRST_TOKEN_MASS
  };
  private static final Attributes SERIES_LIMIT =
      Attributes.of(TelemetryNames.REASON, "series_limit");

  private final AgentTelemetry telemetry;
  private final String model;
  private final String operation;
  private final String spanName;
  private final Attributes modelAttributes;
  private final Attributes modelOperationAttributes;
  private final Attributes inputTokenAttributes;
  private final Attributes sampledAttributes;
  private final Attributes unsampledAttributes;
  private final Attributes inferenceThreadPhase;
  private final Attributes statisticsPhase;
  private final Attributes captureRunPhase;
  private final AdaptiveSampler sampler;
  private final AttentionSeries attentionSeries;
  private volatile Attributes[] attentionLayerAttributes = new Attributes[0];
  private volatile Attributes[][] headAttributes = new Attributes[0][0];
  private volatile Attributes[] layerAttributes = new Attributes[0];

  /** A model's telemetry with no sampling budget (every inference sampled); for tests. */
  public ModelTelemetry(AgentTelemetry telemetry, String model, String operation) {
    this(
        telemetry,
        model,
        operation,
        TelemetryNames.PROVIDER_ONNXRUNTIME,
        new AdaptiveSampler(1.0, Double.POSITIVE_INFINITY, 0),
        new AttentionSeries("auto", 4, 1024));
  }

  /**
   * A model's telemetry. The sampler is the model's own: its budget is measured against this
   * model's inference time, from the costs recorded here.
   */
  public ModelTelemetry(
      AgentTelemetry telemetry,
      String model,
      String operation,
      String provider,
      AdaptiveSampler sampler,
      AttentionSeries attentionSeries) {
    this.telemetry = telemetry;
    this.sampler = sampler;
    this.attentionSeries = attentionSeries;
    this.model = model;
    this.operation = operation;
    this.spanName = operation + " " + model;
    this.modelAttributes = Attributes.of(TelemetryNames.MODEL, model);
    this.modelOperationAttributes =
        Attributes.of(
            TelemetryNames.MODEL,
            model,
            TelemetryNames.OPERATION,
            operation,
            TelemetryNames.PROVIDER,
            provider);
    this.inputTokenAttributes =
        modelOperationAttributes.toBuilder().put(TelemetryNames.TOKEN_TYPE, "input").build();
    this.sampledAttributes =
        Attributes.of(TelemetryNames.MODEL, model, TelemetryNames.SAMPLED, true);
    this.unsampledAttributes =
        Attributes.of(TelemetryNames.MODEL, model, TelemetryNames.SAMPLED, false);
    this.inferenceThreadPhase =
        Attributes.of(TelemetryNames.MODEL, model, TelemetryNames.PHASE, "inference_thread");
    this.statisticsPhase =
        Attributes.of(TelemetryNames.MODEL, model, TelemetryNames.PHASE, "statistics");
    this.captureRunPhase =
        Attributes.of(TelemetryNames.MODEL, model, TelemetryNames.PHASE, "capture_run");
    telemetry.register(this); // last: the metrics thread may read this model from now on
  }

  public String model() {
    return model;
  }

  /** Decides which of this model's inferences are captured. */
  public AdaptiveSampler sampler() {
    return sampler;
  }

  Attributes modelAttributes() {
    return modelAttributes;
  }

  public String operation() {
    return operation;
  }

  public AgentTelemetry agent() {
    return telemetry;
  }

  /**
   * Starts an inference's span at {@code startEpochNanos}, for an inference whose statistics are
   * contributed while it runs (a DJL prediction); {@link #endInference} ends it.
   */
  public Span startInferenceSpan(long startEpochNanos, int batchSize, boolean sampled) {
    return telemetry
        .tracer
        .spanBuilder(spanName)
        .setSpanKind(SpanKind.INTERNAL)
        .setParent(parentContext())
        .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
        .setAllAttributes(modelOperationAttributes)
        .setAttribute(TelemetryNames.BATCH_SIZE, (long) batchSize)
        .setAttribute(TelemetryNames.SAMPLED, sampled)
        .startSpan();
  }

  /**
   * Ends an inference: its span (at start + duration), its duration, the valid token count of each
   * of its sequences and the inference counter.
   *
   * @param reportTokens whether the span gets the total token count (a model fed no token ids has
   *     none)
   */
  public void endInference(
      Span span,
      long startEpochNanos,
      long durationNanos,
      int[] tokensPerSequence,
      boolean sampled,
      Throwable thrown,
      boolean reportTokens) {
    end(span, startEpochNanos, durationNanos, tokensPerSequence, sampled, thrown, reportTokens);
  }

  private void end(
      Span span,
      long startEpochNanos,
      long durationNanos,
      int[] tokensPerSequence,
      boolean sampled,
      Throwable thrown,
      boolean reportTokens) {
    long totalTokens = 0;
    for (int tokens : tokensPerSequence) {
      totalTokens += tokens;
      telemetry.inputTokens.record(tokens, modelAttributes);
    }
    if (reportTokens) {
      span.setAttribute(TelemetryNames.INPUT_TOKENS, totalTokens);
    }
    if (thrown != null) {
      span.setStatus(StatusCode.ERROR, thrown.getClass().getName());
      span.setAttribute("error.type", thrown.getClass().getName());
    }
    span.end(startEpochNanos + durationNanos, TimeUnit.NANOSECONDS);
    telemetry.operationDuration.record(
        durationNanos / 1e9, thrown == null ? modelOperationAttributes : errorAttributes(thrown));
    if (reportTokens) {
      telemetry.tokenUsage.record(totalTokens, inputTokenAttributes);
    }
    sampler.recordInference(durationNanos);
    telemetry.inferences.add(1, sampled ? sampledAttributes : unsampledAttributes);
  }

  /**
   * The application's current span (read through its own OpenTelemetry API) as the parent, so that
   * the inference span belongs to the application's trace; a root span when it has none.
   */
  private static Context parentContext() {
    SpanContext parent = ApplicationSpan.current();
    return parent == null ? Context.root() : Context.root().with(Span.wrap(parent));
  }

  /**
   * Records each row of {@code values} ({@code [rows, width]} row-major, sentence embeddings) as
   * one output embedding.
   */
  public void recordEmbeddings(float[] values, int width) {
    for (int row = 0; width > 0 && row + width <= values.length; row += width) {
      recordEmbedding(
          io.headwatch.agent.stats.OutputStatistics.l2Norm(values, row, width),
          io.headwatch.agent.stats.OutputStatistics.nonFiniteCount(values, row, width));
    }
  }

  /** Records one output embedding: its L2 norm and its non-finite values. */
  public void recordEmbedding(double norm, int nonFinite) {
    if (!Double.isNaN(norm)) {
      telemetry.outputNorm.record(norm, modelAttributes);
    }
    telemetry.outputNonFinite.add(nonFinite, modelAttributes);
  }

  /**
   * Records whether one input sequence filled the model's maximum length (the ONNX Runtime path,
   * where no tokenizer is observed).
   */
  public void recordTruncation(boolean truncated) {
    telemetry.inputTruncated.add(truncated ? 1 : 0, modelAttributes);
  }

  /** Records what the tokenizer said about one input sequence. */
  public void recordTokenizerSequence(boolean truncated, int unknownTokens) {
    telemetry.inputTruncated.add(truncated ? 1 : 0, modelAttributes);
    telemetry.unknownTokens.record(unknownTokens, modelAttributes);
  }

  /** Records a classifier's output for one input: top-1 probability, margin, normalised entropy. */
  public void recordClassification(double confidence, double margin, double normalizedEntropy) {
    if (!Double.isNaN(confidence)) {
      telemetry.outputConfidence.record(confidence, modelAttributes);
    }
    if (!Double.isNaN(margin)) {
      telemetry.outputMargin.record(margin, modelAttributes);
    }
    if (!Double.isNaN(normalizedEntropy)) {
      telemetry.outputEntropy.record(normalizedEntropy, modelAttributes);
    }
  }

  /** Time the agent spent on the inference thread for one inference (counts against the budget). */
  public void recordInferenceThreadOverhead(long nanos) {
    telemetry.overhead.record(nanos / 1e9, inferenceThreadPhase);
    sampler.recordThreadCost(nanos);
  }

  /** Time the worker spent running the capture session (off the inference thread). */
  public void recordCaptureRunOverhead(long nanos) {
    recordCaptureRunOverhead(nanos, true);
  }

  /**
   * Like {@link #recordCaptureRunOverhead(long)}; {@code measured} false keeps a one-off cost (the
   * re-runs that verify a capture session) out of the budget's averages.
   */
  public void recordCaptureRunOverhead(long nanos, boolean measured) {
    telemetry.overhead.record(nanos / 1e9, captureRunPhase);
    if (measured) {
      sampler.recordCaptureCost(nanos, false);
    }
  }

  /**
   * Time the worker spent reducing captured tensors to statistics and recording them; the last cost
   * of one capture.
   */
  public void recordStatisticsOverhead(long nanos) {
    recordStatisticsOverhead(nanos, true);
  }

  /**
   * Like {@link #recordStatisticsOverhead(long)}; see {@link #recordCaptureRunOverhead(long,
   * boolean)}.
   */
  public void recordStatisticsOverhead(long nanos, boolean measured) {
    telemetry.overhead.record(nanos / 1e9, statisticsPhase);
    if (measured) {
      sampler.recordCaptureCost(nanos, true);
    }
  }

  /**
   * Duration attributes of a failed call: error.type as the OpenTelemetry GenAI conventions have
   * it.
   */
  private Attributes errorAttributes(Throwable thrown) {
    return modelOperationAttributes.toBuilder()
        .put(TelemetryNames.ERROR_TYPE, thrown.getClass().getName())
        .build();
  }

  /**
   * Records one sequence's attention statistics of one layer: the layer's distributions ({@code
   * headwatch.attention.layer.*}, every head's value) and the per-head series that the model's
   * {@link AttentionSeries} mode selects.
   *
   * @param layers the model's layer count (decides the {@code auto} mode)
   * @param stats {@code heads x AttentionStatistics.COUNT} values, as AttentionStatistics writes
   *     them
   */
  public void recordAttentionLayer(int layers, int layer, int heads, double[] stats) {
    boolean[] selected = new boolean[heads];
    int refused =
        attentionSeries.select(
            layers, layer, heads, stats, AttentionStatistics.COUNT, RECORDED_STATISTICS, selected);
    boolean sums = attentionSeries.mode(layers, heads) == AttentionSeries.Mode.HEAD;
    Attributes layerAttributes = attentionLayerAttributes(layer);
    for (int h = 0; h < heads; h++) {
      int base = h * AttentionStatistics.COUNT;
      double entropy = stats[base + AttentionStatistics.ENTROPY];
      double maxWeight = stats[base + AttentionStatistics.MAX_WEIGHT];
      double sinkMass = stats[base + AttentionStatistics.FIRST_TOKEN_MASS];
      if (!sums) {
        // Without every head's mean (layer and top_k modes), the layer's distribution over heads.
        record(
            telemetry.layerEntropy,
            telemetry.layerMaxWeight,
            telemetry.layerSinkMass,
            layerAttributes,
            entropy,
            maxWeight,
            sinkMass);
      }
      if (sums) {
        // One series per head and statistic: the running sum (divided by the sequence count
        // it is the head's mean), instead of a histogram of a dozen series.
        Attributes head = headAttributes(layer, h);
        if (Double.isFinite(entropy)) {
          telemetry.headEntropy.add(entropy, head);
        }
        if (Double.isFinite(maxWeight)) {
          telemetry.headMaxWeight.add(maxWeight, head);
        }
        if (Double.isFinite(sinkMass)) {
          telemetry.headSinkMass.add(sinkMass, head);
        }
      } else if (selected[h]) {
        record(
            telemetry.attentionEntropy,
            telemetry.attentionMaxWeight,
            telemetry.attentionSinkMass,
            headAttributes(layer, h),
            entropy,
            maxWeight,
            sinkMass);
      }
    }
    if (refused > 0) {
      telemetry.dropped.add(refused, SERIES_LIMIT);
    }
  }

  /** Counts one sampled sequence whose attention was recorded (the divisor of the head sums). */
  public void recordAttentionSequence() {
    telemetry.attentionSequences.add(1, modelAttributes);
  }

  private static void record(
      DoubleHistogram entropyHistogram,
      DoubleHistogram maxWeightHistogram,
      DoubleHistogram sinkMassHistogram,
      Attributes attributes,
      double entropy,
      double maxWeight,
      double sinkMass) {
    if (!Double.isNaN(entropy)) {
      entropyHistogram.record(entropy, attributes);
    }
    if (!Double.isNaN(maxWeight)) {
      maxWeightHistogram.record(maxWeight, attributes);
    }
    if (!Double.isNaN(sinkMass)) {
      sinkMassHistogram.record(sinkMass, attributes);
    }
  }

  /** Per-head series created so far ({@code top_k} mode), for tests and diagnostics. */
  public int topKHeadSeries() {
    return attentionSeries.headSeries();
  }

  /** Records one sequence's hidden-state statistics of one layer. */
  public void recordActivation(int layer, ActivationSummary summary) {
    Attributes attributes = layerAttributes(layer);
    if (!Double.isNaN(summary.absMax())) {
      telemetry.activationAbsMax.record(summary.absMax(), attributes);
    }
    if (!Double.isNaN(summary.mean())) {
      telemetry.activationMean.set(summary.mean(), attributes);
    }
    if (!Double.isNaN(summary.std())) {
      telemetry.activationStd.record(summary.std(), attributes);
    }
    if (!Double.isNaN(summary.outlierFraction())) {
      telemetry.activationOutlierFraction.record(summary.outlierFraction(), attributes);
    }
    // Counters: always add, even 0, so that the series exist and alerts can use rate() at once.
    telemetry.activationNonFinite.add(summary.nonFiniteCount(), attributes);
    telemetry.activationMassive.add(summary.massiveCount(), attributes);
  }

  /** Starts a snapshot log record attached to the inference span. */
  public LogRecordBuilder snapshot(SpanContext inferenceSpan) {
    return logRecord(TelemetryNames.SNAPSHOT_EVENT, inferenceSpan);
  }

  /** Starts a log record of event {@code name} attached to the inference span. */
  public LogRecordBuilder logRecord(String name, SpanContext inferenceSpan) {
    return telemetry
        .logger
        .logRecordBuilder()
        .setEventName(name)
        .setContext(Context.root().with(Span.wrap(inferenceSpan)))
        .setAllAttributes(modelOperationAttributes);
  }

  private Attributes headAttributes(int layer, int head) {
    Attributes[][] table = headAttributes;
    if (layer >= table.length || head >= table[layer].length) {
      table = growHeads(layer + 1, head + 1);
    }
    return table[layer][head];
  }

  private synchronized Attributes[][] growHeads(int layers, int heads) {
    Attributes[][] old = headAttributes;
    int l = Math.max(layers, old.length);
    int h = Math.max(heads, old.length == 0 ? 0 : old[0].length);
    Attributes[][] table = new Attributes[l][h];
    for (int i = 0; i < l; i++) {
      for (int j = 0; j < h; j++) {
        table[i][j] =
            i < old.length && j < old[i].length
                ? old[i][j]
                : Attributes.of(
                    TelemetryNames.MODEL,
                    model,
                    TelemetryNames.LAYER,
                    (long) i,
                    TelemetryNames.HEAD,
                    (long) j);
      }
    }
    headAttributes = table;
    return table;
  }

  private Attributes layerAttributes(int layer) {
    Attributes[] table = layerAttributes;
    if (layer >= table.length) {
      table = growLayers(layer + 1);
    }
    return table[layer];
  }

  private Attributes attentionLayerAttributes(int layer) {
    Attributes[] table = attentionLayerAttributes;
    if (layer >= table.length) {
      table = growAttentionLayers(layer + 1);
    }
    return table[layer];
  }

  private synchronized Attributes[] growAttentionLayers(int layers) {
    Attributes[] old = attentionLayerAttributes;
    Attributes[] table = new Attributes[Math.max(layers, old.length)];
    for (int i = 0; i < table.length; i++) {
      table[i] =
          i < old.length
              ? old[i]
              : Attributes.of(TelemetryNames.MODEL, model, TelemetryNames.LAYER, (long) i);
    }
    attentionLayerAttributes = table;
    return table;
  }

  private synchronized Attributes[] growLayers(int layers) {
    Attributes[] old = layerAttributes;
    Attributes[] table = new Attributes[Math.max(layers, old.length)];
    for (int i = 0; i < table.length; i++) {
      table[i] =
          i < old.length
              ? old[i]
              : Attributes.of(
                  TelemetryNames.MODEL,
                  model,
                  TelemetryNames.LAYER,
                  (long) i,
                  TelemetryNames.SITE,
                  TelemetryNames.SITE_HIDDEN_STATE);
    }
    layerAttributes = table;
    return table;
  }
}
