package io.headwatch.agent.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.headwatch.agent.AgentRuntime;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.TelemetryNames;
import io.headwatch.agent.inference.InferenceScope;
import io.headwatch.agent.stats.OutputStatistics;
import io.headwatch.agent.util.AgentLog;
import io.headwatch.agent.util.EpochClock;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.List;

/**
 * What the DJL advice calls. Every method catches everything: the application's call goes on
 * untouched whatever happens here. Nothing here changes an argument or a result; tensors are only
 * read (and only for sampled predictions).
 */
public final class DjlHooks {
  private static final ThreadLocal<DjlPrediction> CURRENT = new ThreadLocal<>();
  // Nested batchPredict calls (a translator that calls another predictor): only the outermost
  // counts.
  private static final ThreadLocal<int[]> PREDICT_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  // toEncoding calls itself for overflowing parts: only the outermost is one sequence.
  private static final ThreadLocal<int[]> ENCODING_DEPTH =
      ThreadLocal.withInitial(() -> new int[1]);
  // Returned by onPredictEnter for calls that only need the depth undone at exit.
  private static final Object DEPTH_ONLY = new Object();

  private DjlHooks() {}

  // ---------------------------------------------------------------- predictions

  public static Object onPredictEnter(Object model, Object translator, Object inputs) {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return null;
    }
    int[] depth;
    try {
      depth = PREDICT_DEPTH.get();
    } catch (Throwable t) {
      return null;
    }
    if (depth[0]++ > 0) {
      return DEPTH_ONLY;
    }
    try {
      long start = System.nanoTime();
      long startEpoch = EpochClock.nowEpochNanos();
      ModelTelemetry telemetry = DjlModels.telemetry(runtime, model, translator);
      int batch = inputs instanceof List ? ((List<?>) inputs).size() : 1;
      boolean sampled = telemetry.sampler().sample();
      Span span = telemetry.startInferenceSpan(startEpoch, batch, sampled);
      int tokenSequences =
          runtime.config().snapshotTokens() ? runtime.config().snapshotMaxSequences() : 0;
      InferenceScope scope =
          InferenceScope.open(telemetry, span, sampled, start, startEpoch, batch, tokenSequences);
      DjlPrediction prediction = new DjlPrediction(scope, runtime.config().djlMaxCaptureBytes());
      CURRENT.set(prediction);
      return prediction;
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-predict-enter", "DJL prediction observation failed", t);
      return DEPTH_ONLY;
    }
  }

  public static void onPredictExit(Object state, Object result, Throwable thrown) {
    if (state == null) {
      return;
    }
    try {
      PREDICT_DEPTH.get()[0]--;
      if (!(state instanceof DjlPrediction)) {
        return;
      }
      DjlPrediction prediction = (DjlPrediction) state;
      CURRENT.remove();
      prediction.scope.close();
      finish(prediction, System.nanoTime(), result, thrown);
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-predict-exit", "DJL prediction observation failed", t);
    }
  }

  private static void finish(DjlPrediction prediction, long end, Object result, Throwable thrown) {
    InferenceScope scope = prediction.scope;
    ModelTelemetry telemetry = scope.telemetry();
    long overheadStart = System.nanoTime();
    Span span = scope.span();
    int[] tokens = scope.tokensPerSequence();

    // Tokenizer facts, per sequence.
    int sequences = scope.tokenizedSequences();
    long truncated = 0;
    long unknown = 0;
    for (int s = 0; s < sequences; s++) {
      telemetry.recordTokenizerSequence(scope.truncated(s), scope.unknownTokens(s));
      truncated += scope.truncated(s) ? 1 : 0;
      unknown += scope.unknownTokens(s);
    }
    if (sequences > 0) {
      span.setAttribute(TelemetryNames.TRUNCATED, truncated);
      span.setAttribute(TelemetryNames.UNKNOWN_TOKENS, unknown);
    }

    // Embedding outputs (float[] per input, as DJL's text-embedding translators return them).
    if (thrown == null) {
      double[][] embeddings = embeddingOutputs(result);
      if (embeddings != null) {
        for (double[] e : embeddings) {
          if (e != null) {
            telemetry.recordEmbedding(e[0], (int) e[1]);
          }
        }
      }
    }

    // Classifier outputs, per input.
    double[][] classifier = thrown == null ? classifierOutputs(result) : null;
    if (classifier != null) {
      int lowest = -1;
      for (int i = 0; i < classifier.length; i++) {
        double[] c = classifier[i];
        if (c == null) {
          continue;
        }
        telemetry.recordClassification(
            c[OutputStatistics.TOP1],
            c[OutputStatistics.MARGIN],
            c[OutputStatistics.NORMALIZED_ENTROPY]);
        if (lowest < 0 || c[OutputStatistics.TOP1] < classifier[lowest][OutputStatistics.TOP1]) {
          lowest = i;
        }
      }
      if (lowest >= 0) {
        // The span carries the least confident input of the batch (the only one, usually).
        span.setAttribute(
            TelemetryNames.OUTPUT_CONFIDENCE, classifier[lowest][OutputStatistics.TOP1]);
        span.setAttribute(
            TelemetryNames.OUTPUT_MARGIN, classifier[lowest][OutputStatistics.MARGIN]);
        span.setAttribute(
            TelemetryNames.OUTPUT_ENTROPY, classifier[lowest][OutputStatistics.NORMALIZED_ENTROPY]);
      }
    }

    telemetry.endInference(
        span, scope.startEpochNanos(), end - scope.startNanos(), tokens, scope.sampled(), thrown);

    InferenceScope.DeferredCapture deferred = scope.deferred();
    if (deferred != null) {
      // An engine call inside this prediction (ONNX Runtime) prepared the capture.
      deferred.submit(thrown == null ? snapshotExtras(classifier, scope) : null);
    }
    if (thrown == null && !prediction.attention.isEmpty()) {
      AgentRuntime runtime = AgentRuntime.current();
      DjlStatisticsTask task =
          new DjlStatisticsTask(
              telemetry,
              scope.spanContext(),
              prediction.attention,
              tokens,
              scope.tokenTexts(),
              snapshotExtras(classifier, scope),
              runtime == null ? 0 : runtime.config().snapshotMaxSequences());
      if (runtime == null || !runtime.worker().offer(task)) {
        telemetry.agent().recordDropped("queue_full");
      }
    }
    telemetry.recordInferenceThreadOverhead(
        System.nanoTime() - overheadStart + scope.overheadNanos());
  }

  /**
   * Per input of the result, when it is an embedding ({@code float[]}): its L2 norm and its
   * non-finite value count; null when no input's result is one.
   */
  static double[][] embeddingOutputs(Object result) {
    return perInput(
        result,
        item -> {
          if (!(item instanceof float[])) {
            return null;
          }
          float[] v = (float[]) item;
          return new double[] {
            OutputStatistics.l2Norm(v, 0, v.length), OutputStatistics.nonFiniteCount(v, 0, v.length)
          };
        });
  }

  /**
   * Applies {@code reduce} to each input's result of a batch (at most {@link
   * InferenceScope#MAX_SEQUENCES}); null when the result is not a list or no item reduced.
   */
  private static double[][] perInput(
      Object result, java.util.function.Function<Object, double[]> reduce) {
    if (!(result instanceof List)) {
      return null;
    }
    List<?> items = (List<?>) result;
    double[][] out = null;
    int n = Math.min(items.size(), InferenceScope.MAX_SEQUENCES);
    for (int i = 0; i < n; i++) {
      double[] reduced = reduce.apply(items.get(i));
      if (reduced != null) {
        if (out == null) {
          out = new double[n][];
        }
        out[i] = reduced;
      }
    }
    return out;
  }

  /** Per input of the result: classifier statistics when it is DJL {@code Classifications}. */
  static double[][] classifierOutputs(Object result) {
    return perInput(
        result,
        item -> {
          // Exactly Classifications: subclasses (detected objects, ...) are not one distribution.
          if (item == null || item.getClass() != Classifications.class) {
            return null;
          }
          List<Double> probabilities = ((Classifications) item).getProbabilities();
          if (probabilities == null
              || probabilities.isEmpty()
              || probabilities.size() > 1_000_000) {
            return null;
          }
          float[] p = new float[probabilities.size()];
          for (int c = 0; c < p.length; c++) {
            Double v = probabilities.get(c);
            p[c] = v == null ? Float.NaN : v.floatValue();
          }
          double[] stats = new double[OutputStatistics.COUNT];
          OutputStatistics.fromProbabilities(p, 0, p.length, stats, 0);
          return stats;
        });
  }

  private static Attributes[] snapshotExtras(double[][] classifier, InferenceScope scope) {
    int n = Math.max(classifier == null ? 0 : classifier.length, scope.tokenizedSequences());
    Attributes[] extras = new Attributes[n];
    for (int i = 0; i < n; i++) {
      var builder = Attributes.builder();
      if (classifier != null && i < classifier.length && classifier[i] != null) {
        builder.put(TelemetryNames.OUTPUT_CONFIDENCE, classifier[i][OutputStatistics.TOP1]);
        builder.put(TelemetryNames.OUTPUT_MARGIN, classifier[i][OutputStatistics.MARGIN]);
        builder.put(
            TelemetryNames.OUTPUT_ENTROPY, classifier[i][OutputStatistics.NORMALIZED_ENTROPY]);
      }
      if (i < scope.tokenizedSequences()) {
        builder.put(TelemetryNames.TRUNCATED, scope.truncated(i) ? 1L : 0L);
        builder.put(TelemetryNames.UNKNOWN_TOKENS, (long) scope.unknownTokens(i));
      }
      extras[i] = builder.build();
    }
    return extras;
  }

  // ---------------------------------------------------------------- forward pass and outputs

  public static boolean onForwardEnter() {
    try {
      DjlPrediction p = CURRENT.get();
      if (p == null) {
        return false;
      }
      p.forwardDepth++;
      if (p.forwardDepth == 1) {
        p.forwardCalls++;
        // Only the prediction's first forward pass is captured: one capture per record.
        p.captureThisForward =
            p.forwardCalls == 1 && p.scope.sampled() && !p.scope.attentionClaimed();
        p.nextLayer = 0;
      }
      return true;
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-forward", "DJL forward observation failed", t);
      return false;
    }
  }

  public static void onForwardExit(boolean entered, Object outputs) {
    if (!entered) {
      return;
    }
    try {
      DjlPrediction p = CURRENT.get();
      if (p == null) {
        return;
      }
      p.forwardDepth--;
      if (p.forwardDepth == 0
          && p.captureThisForward
          && p.attention.isEmpty()
          && !p.scope.attentionClaimed()
          && outputs instanceof NDList) {
        scanOutputs(p, (NDList) outputs);
      }
      if (p.forwardDepth == 0) {
        p.captureThisForward = false;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-outputs", "reading a DJL model's outputs for attention failed", t);
    }
  }

  /**
   * Attention tensors among a model's outputs (TorchScript models exported with attentions):
   * float32 {@code [batch, heads, q, q]} arrays whose rows are probabilities, numbered as layers in
   * the order they appear.
   */
  private static void scanOutputs(DjlPrediction p, NDList outputs) {
    int layer = 0;
    for (NDArray array : outputs) {
      if (!isSquareAttentionShape(array)) {
        continue;
      }
      CapturedAttention captured = copy(p, array, layer);
      if (captured == null) {
        continue;
      }
      if (!CapturedAttention.looksLikeProbabilities(captured.values, captured.length)) {
        p.capturedBytes -= 4L * captured.values.length;
        continue;
      }
      if (!p.claimed) {
        if (!p.scope.claimAttention()) {
          return;
        }
        p.claimed = true;
      }
      p.attention.add(captured);
      layer++;
    }
  }

  // ---------------------------------------------------------------- attention blocks (PyTorch)

  public static boolean onAttentionBlockEnter() {
    try {
      DjlPrediction p = CURRENT.get();
      if (p == null || p.forwardDepth == 0) {
        return false;
      }
      p.blockDepth++;
      if (p.blockDepth == 1) {
        p.layer = p.nextLayer++;
        p.softmaxTaken = false;
      }
      return true;
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-block", "DJL attention block observation failed", t);
      return false;
    }
  }

  public static void onAttentionBlockExit(boolean entered) {
    if (!entered) {
      return;
    }
    try {
      DjlPrediction p = CURRENT.get();
      if (p != null) {
        p.blockDepth--;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-block", "DJL attention block observation failed", t);
    }
  }

  /** The softmax of a scaled dot-product attention block: the attention probabilities. */
  public static void onSoftmax(Object probabilities) {
    try {
      DjlPrediction p = CURRENT.get();
      if (p == null || p.blockDepth == 0 || !p.captureThisForward || p.softmaxTaken) {
        return;
      }
      p.softmaxTaken = true; // the block's first softmax is its attention
      if (!(probabilities instanceof NDArray)) {
        return;
      }
      NDArray array = (NDArray) probabilities;
      if (!isSquareAttentionShape(array)) {
        AgentLog.warnOnce(
            "djl-attention-shape",
            "a DJL attention block's probabilities are not"
                + " [batch, heads, query, key] with query = key (cross-attention?); skipped",
            null);
        return;
      }
      if (!p.claimed) {
        if (!p.scope.claimAttention()) {
          p.captureThisForward = false;
          return;
        }
        p.claimed = true;
      }
      CapturedAttention captured = copy(p, array, p.layer);
      if (captured != null) {
        p.attention.add(captured);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-softmax", "reading DJL attention probabilities failed", t);
    }
  }

  private static boolean isSquareAttentionShape(NDArray array) {
    Shape shape = array.getShape();
    return shape.dimension() == 4
        && shape.get(2) == shape.get(3)
        && shape.get(2) > 0
        && shape.get(1) > 0
        && shape.get(0) > 0
        && array.getDataType() == DataType.FLOAT32;
  }

  /** Copies an attention tensor within the prediction's byte budget, or returns null. */
  private static CapturedAttention copy(DjlPrediction p, NDArray array, int layer) {
    Shape shape = array.getShape();
    long size = shape.size();
    long bytes = 4L * size;
    if (size > Integer.MAX_VALUE || p.capturedBytes + bytes > p.maxCaptureBytes) {
      AgentLog.warnOnce(
          "djl-capture-budget",
          "attention of a DJL prediction exceeds "
              + p.maxCaptureBytes
              + " bytes (headwatch.djl.max_capture_bytes); further layers are"
              + " not captured",
          null);
      return null;
    }
    float[] values = array.toFloatArray();
    p.capturedBytes += bytes;
    return new CapturedAttention(
        layer, (int) shape.get(0), (int) shape.get(1), (int) shape.get(2), values);
  }

  // ---------------------------------------------------------------- tokenizer

  public static boolean onEncodingEnter() {
    try {
      return ENCODING_DEPTH.get()[0]++ == 0;
    } catch (Throwable t) {
      return false;
    }
  }

  public static void onEncodingExit(boolean outermost, Object encoding) {
    try {
      ENCODING_DEPTH.get()[0]--;
      if (!outermost || !(encoding instanceof Encoding)) {
        return;
      }
      DjlPrediction p = CURRENT.get();
      if (p == null) {
        return; // tokenizer calls outside a prediction are not attributed to any record
      }
      Encoding e = (Encoding) encoding;
      long[] mask = e.getAttentionMask();
      String[] tokens = e.getTokens();
      int valid = 0;
      if (mask != null) {
        for (long m : mask) {
          valid += m != 0 ? 1 : 0;
        }
      } else if (tokens != null) {
        valid = tokens.length;
      }
      int unknown = TokenizerFacts.unknownTokens(tokens, mask);
      String[] kept = null;
      if (p.scope.tokenizedSequences() < snapshotTokenSequences()) {
        kept = TokenizerFacts.validTokens(tokens, mask);
      }
      p.scope.addTokenizedSequence(valid, e.exceedMaxLength(), unknown, kept);
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-tokenizer", "reading a DJL tokenizer's encoding failed", t);
    }
  }

  private static int snapshotTokenSequences() {
    AgentRuntime runtime = AgentRuntime.current();
    return runtime != null && runtime.config().snapshotTokens()
        ? runtime.config().snapshotMaxSequences()
        : 0;
  }
}
