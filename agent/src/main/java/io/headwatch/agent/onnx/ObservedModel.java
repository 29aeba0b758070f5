package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.AgentRuntime;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.onnx.graph.AttentionGraphAnalyzer;
import io.headwatch.agent.onnx.graph.CapturePlan;
import io.headwatch.agent.onnx.graph.ModelRewriter;
import io.headwatch.agent.onnx.graph.OnnxModel;
import io.headwatch.agent.stats.OutputStatistics;
import io.headwatch.agent.util.AgentLog;
import io.opentelemetry.api.trace.SpanContext;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One application session the agent observes.
 *
 * <p>Every inference gets a span, a duration and token counts. For sampled inferences, the agent
 * runs its own <em>capture session</em> — the same model, rewritten so that attention probabilities
 * and hidden states are graph outputs — on a copy of the inputs, on its worker thread. The
 * application's session is never changed: its outputs, their order and values, and its exceptions
 * stay exactly what they were, and unsampled inferences do not pay for outputs that block ONNX
 * Runtime's fusions.
 */
final class ObservedModel {
  private final AgentRuntime runtime;
  private final OrtEnvironment environment;
  private final ModelTelemetry telemetry;
  private final String maskInput;
  private final String idsInput;
  private final boolean embeddings;
  // Completes with the capture session, or with null when this model cannot be captured.
  private final CompletableFuture<CaptureSession> capture = new CompletableFuture<>();
  // Set when the application closes its session: nothing new is sampled, and the capture session
  // is closed once the sampled inferences already queued are done (guarded by this).
  private volatile boolean closed;
  private int pendingTasks;

  private ObservedModel(
      AgentRuntime runtime,
      OrtEnvironment environment,
      ModelTelemetry telemetry,
      String maskInput,
      String idsInput) {
    this.runtime = runtime;
    this.environment = environment;
    this.telemetry = telemetry;
    this.maskInput = maskInput;
    this.idsInput = idsInput;
    this.embeddings = "embeddings".equals(telemetry.operation());
  }

  /**
   * Names the model and schedules the preparation of its capture session on the set-up thread. Runs
   * on the application's thread inside session creation: it parses the model's nodes (not its
   * weights) only when a name must be read from the graph.
   */
  static ObservedModel prepare(
      AgentRuntime runtime,
      OrtEnvironment environment,
      OrtSession session,
      OnnxRuntimeHooks.ModelSource source)
      throws OrtException {
    OnnxModel parsed = null;
    String configuredName = runtime.config().modelName();
    if (source.bytes != null && configuredName.isEmpty()) {
      parsed = parseOrNull(source.bytes);
    }
    String name = ModelNaming.modelName(configuredName, source.path, parsed, source.bytes);
    String operation =
        ModelNaming.operationName(
            runtime.config().operationName(), new ArrayList<>(session.getOutputNames()));
    List<String> inputs = new ArrayList<>(session.getInputNames());
    ModelTelemetry telemetry =
        new ModelTelemetry(
            runtime.telemetry(),
            name,
            operation,
            runtime.newSampler(),
            runtime.newAttentionSeries());
    ObservedModel model =
        new ObservedModel(
            runtime,
            environment,
            telemetry,
            findInput(inputs, "attention_mask", "mask"),
            findInput(inputs, "input_ids", "ids"));
    if (!OnnxRuntimeInstrumentation.shutdownGuarded()) {
      // The environment closer was loaded without the agent's guard (another agent's
      // transformation failed ours, or this ONNX Runtime has no such class): step aside.
      AgentLog.warnOnce(
          "onnx-unguarded",
          "ONNX Runtime's shutdown hook could not be guarded;"
              + " attention capture is off, inference-level telemetry only",
          null);
      model.capture.complete(null);
      return model;
    }
    OnnxModel parsedFinal = parsed;
    runtime.worker().setup(() -> model.prepareCapture(source, parsedFinal));
    return model;
  }

  private static String findInput(List<String> inputs, String exact, String contains) {
    for (String input : inputs) {
      if (input.equals(exact)) {
        return input;
      }
    }
    for (String input : inputs) {
      if (input.toLowerCase(Locale.ROOT).contains(contains)) {
        return input;
      }
    }
    return null;
  }

  private static OnnxModel parseOrNull(byte[] bytes) {
    try {
      return OnnxModel.parse(bytes);
    } catch (RuntimeException e) {
      AgentLog.warnOnce(
          "onnx-parse", "could not read the model's graph; inference-level" + " telemetry only", e);
      return null;
    }
  }

  /** On the set-up thread: analyse the graph, rewrite it, create the capture session. */
  private void prepareCapture(OnnxRuntimeHooks.ModelSource source, OnnxModel parsedAlready) {
    CaptureSession session = null;
    long start = System.nanoTime();
    try {
      session = createCaptureSession(source, parsedAlready);
    } finally {
      capture.complete(session);
      AgentLog.debug(
          "capture preparation for "
              + telemetry.model()
              + " took "
              + (System.nanoTime() - start) / 1_000_000
              + " ms");
    }
  }

  private CaptureSession createCaptureSession(
      OnnxRuntimeHooks.ModelSource source, OnnxModel parsedAlready) {
    String model = telemetry.model();
    try {
      long limit = runtime.config().onnxMaxModelBytes();
      byte[] bytes = source.bytes;
      if (bytes == null) {
        Path path = Path.of(source.path);
        if (Files.size(path) > limit) {
          AgentLog.warnOnce(
              "onnx-size-" + model,
              "model "
                  + model
                  + " is larger than "
                  + limit
                  + " bytes; inference-level telemetry only",
              null);
          return null;
        }
        bytes = Files.readAllBytes(path);
      } else if (bytes.length > limit) {
        AgentLog.warnOnce(
            "onnx-size-" + model,
            "model "
                + model
                + " is larger than "
                + limit
                + " bytes; inference-level telemetry only",
            null);
        return null;
      }
      OnnxModel parsed = parsedAlready != null ? parsedAlready : parseOrNull(bytes);
      if (parsed == null) {
        return null;
      }
      if (parsed.hasExternalData()) {
        AgentLog.warnOnce(
            "onnx-external-" + model,
            "model "
                + model
                + " keeps weights in external"
                + " data files; attention capture is not supported for it yet",
            null);
        return null;
      }
      CapturePlan plan = AttentionGraphAnalyzer.analyze(parsed);
      if (plan.isEmpty()) {
        AgentLog.info(
            "model "
                + model
                + ": no attention"
                + " softmax or layer found"
                + (plan.fusedAttentionNodes() > 0
                    ? " (" + plan.fusedAttentionNodes() + " fused attention operators hide them)"
                    : "")
                + "; inference-level telemetry only");
        return null;
      }
      byte[] rewritten = ModelRewriter.withExtraOutputs(bytes, parsed, plan.tensorNames());
      bytes = null; // let the application's copy go as soon as possible
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      // One thread: the capture session must not compete with the application for every core.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      OrtSession shadow =
          OnnxRuntimeHooks.asAgent(() -> environment.createSession(rewritten, options));
      CaptureSession session =
          new CaptureSession(shadow, plan, runtime.config().snapshotMaxSequences());
      AgentLog.info(
          "observing model "
              + model
              + ": "
              + plan.attention().size()
              + " attention layer(s), "
              + plan.hiddenStates().size()
              + " hidden state(s)");
      return session;
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "onnx-capture-" + model,
          "could not prepare attention capture for model "
              + model
              + "; inference-level telemetry only",
          t);
      return null;
    }
  }

  /**
   * The capture session, waiting for its preparation if needed (on the worker thread only), or null
   * when this model cannot be captured or was closed.
   */
  CaptureSession awaitCapture() {
    return capture.join();
  }

  /** On the application's thread, after its {@code run} returned or threw. */
  void onInference(
      long startNanos,
      long startEpochNanos,
      long endNanos,
      Map<?, ?> inputs,
      Object result,
      Throwable thrown) {
    long overheadStart = System.nanoTime();
    int[] tokens = tokensPerSequence(inputs);
    if (thrown == null && embeddings && result instanceof OrtSession.Result) {
      recordEmbeddings((OrtSession.Result) result);
    }
    // Until the capture session is ready, sampled inferences wait for it in the queue; once it is
    // known to be unavailable, nothing is sampled.
    boolean capturable = !capture.isDone() || capture.getNow(null) != null;
    boolean sampled = thrown == null && capturable && !closed && telemetry.sampler().sample();
    CopiedInputs copied = null;
    if (sampled) {
      copied = CopiedInputs.copy(inputs);
      if (copied == null) {
        sampled = false;
        AgentLog.warnOnce(
            "onnx-inputs-" + telemetry.model(),
            "model " + telemetry.model() + " has non-numeric inputs; attention capture skipped",
            null);
      }
    }
    SpanContext span =
        telemetry.recordInference(startEpochNanos, endNanos - startNanos, tokens, sampled, thrown);
    if (sampled) {
      CaptureTask task =
          new CaptureTask(environment, this, telemetry, copied, maskInput, span, tokens);
      if (!startTask()) {
        telemetry.agent().recordDropped("session_closed");
      } else if (!runtime.worker().offer(task)) {
        taskDone();
        telemetry.agent().recordDropped("queue_full");
      }
    }
    telemetry.recordInferenceThreadOverhead(System.nanoTime() - overheadStart);
  }

  /**
   * On the application's thread, after a {@code run} made inside a framework's prediction (a DJL
   * {@code Predictor} on the OnnxRuntime engine): the prediction is the record. This run adds its
   * token counts and, when the prediction is sampled and nothing else captured its attention yet, a
   * capture linked to the prediction's span and recorded under the prediction's model name.
   */
  void onInferenceInScope(
      io.headwatch.agent.inference.InferenceScope scope, Map<?, ?> inputs, Throwable thrown) {
    long overheadStart = System.nanoTime();
    ModelTelemetry target = scope.telemetry();
    int[] tokens = tokensPerSequence(inputs);
    scope.engineTokens(tokens);
    boolean capturable = !capture.isDone() || capture.getNow(null) != null;
    if (thrown == null && capturable && !closed && scope.sampled() && scope.claimAttention()) {
      CopiedInputs copied = CopiedInputs.copy(inputs);
      if (copied == null) {
        AgentLog.warnOnce(
            "onnx-inputs-" + telemetry.model(),
            "model " + telemetry.model() + " has non-numeric inputs; attention capture skipped",
            null);
      } else {
        CaptureTask task =
            new CaptureTask(
                environment, this, target, copied, maskInput, scope.spanContext(), tokens);
        task.tokenTexts(scope.tokenTexts());
        // Queued when the prediction ends, so that its snapshots carry what only the end knows
        // (the classifier's output).
        scope.defer(
            extras -> {
              task.extras(extras);
              if (!startTask()) {
                target.agent().recordDropped("session_closed");
              } else if (!runtime.worker().offer(task)) {
                taskDone();
                target.agent().recordDropped("queue_full");
              }
            });
      }
    }
    // Counted once per prediction, with the framework's own share, when the prediction ends.
    scope.addOverhead(System.nanoTime() - overheadStart);
  }

  /**
   * For an embedding model: the L2 norm and the non-finite values of each row of its first 2-D
   * float output ([batch, dimension], the sentence embeddings). Models that output only token-level
   * states ([batch, sequence, hidden]: the pooling happens in the application, as langchain4j does)
   * have no such output and record nothing. The application's tensor is read, never changed.
   */
  private void recordEmbeddings(OrtSession.Result result) {
    for (int i = 0; i < result.size(); i++) {
      OnnxValue value = result.get(i);
      if (!(value instanceof OnnxTensor)) {
        continue;
      }
      OnnxTensor tensor = (OnnxTensor) value;
      long[] shape = tensor.getInfo().getShape();
      if (shape.length != 2 || tensor.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
        continue;
      }
      java.nio.FloatBuffer buffer = tensor.getFloatBuffer();
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      int width = (int) shape[1];
      for (int row = 0; row + width <= values.length && width > 0; row += width) {
        telemetry.recordEmbedding(
            OutputStatistics.l2Norm(values, row, width),
            OutputStatistics.nonFiniteCount(values, row, width));
      }
      return;
    }
  }

  /** Valid tokens per sequence: the attention mask's sum per row, else the ids' row length. */
  private int[] tokensPerSequence(Map<?, ?> inputs) {
    Object mask = maskInput == null ? null : inputs.get(maskInput);
    Object ids = idsInput == null ? null : inputs.get(idsInput);
    OnnxValue shaped =
        mask instanceof OnnxTensor
            ? (OnnxTensor) mask
            : ids instanceof OnnxTensor ? (OnnxTensor) ids : null;
    if (shaped == null) {
      return new int[0];
    }
    long[] shape = ((OnnxTensor) shaped).getInfo().getShape();
    if (shape.length != 2) {
      return new int[0];
    }
    int batch = (int) shape[0];
    int length = (int) shape[1];
    int[] tokens = new int[batch];
    if (shaped == mask) {
      long[] values = TensorValues.longs((OnnxTensor) mask);
      if (values != null && values.length == (long) batch * length) {
        for (int b = 0; b < batch; b++) {
          int n = 0;
          for (int i = 0; i < length; i++) {
            n += values[b * length + i] != 0 ? 1 : 0;
          }
          tokens[b] = n;
        }
        return tokens;
      }
    }
    java.util.Arrays.fill(tokens, length);
    return tokens;
  }

  private synchronized boolean startTask() {
    if (closed) {
      return false;
    }
    pendingTasks++;
    return true;
  }

  /** Called by each capture task when it ends, however it ends. */
  void taskDone() {
    boolean release;
    synchronized (this) {
      pendingTasks--;
      release = closed && pendingTasks == 0;
    }
    if (release) {
      releaseCapture();
    }
  }

  /** The application closed its session. */
  void close() {
    boolean release;
    synchronized (this) {
      closed = true;
      release = pendingTasks == 0;
    }
    if (release) {
      releaseCapture();
    }
  }

  private void releaseCapture() {
    // On the set-up thread, so after the preparation; CaptureSession serialises close and runs.
    runtime
        .worker()
        .setup(
            () -> {
              CaptureSession session = capture.join();
              if (session != null) {
                session.close();
              }
            });
  }

  /** Reads integer tensors without assuming their Java type. */
  static final class TensorValues {
    private TensorValues() {}

    static long[] longs(OnnxTensor tensor) {
      switch (tensor.getInfo().type) {
        case INT64:
          {
            LongBuffer b = tensor.getLongBuffer();
            long[] out = new long[b.remaining()];
            b.get(out);
            return out;
          }
        case INT32:
          {
            java.nio.IntBuffer b = tensor.getIntBuffer();
            long[] out = new long[b.remaining()];
            for (int i = 0; i < out.length; i++) {
              out[i] = b.get(i);
            }
            return out;
          }
        default:
          return null;
      }
    }
  }
}
