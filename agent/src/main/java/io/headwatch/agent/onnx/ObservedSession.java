package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.FloatTensor;
import io.headwatch.agent.config.HeadwatchConfig;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.TelemetryNames;
import io.headwatch.agent.instrumentation.ModelLoading;
import io.headwatch.agent.instrumentation.PredictionScope;
import io.headwatch.agent.model.ModelNames;
import io.headwatch.agent.onnx.graph.OnnxModel;
import io.headwatch.agent.runtime.AgentRuntime;
import io.headwatch.agent.util.AgentLog;
import io.headwatch.agent.util.EpochClock;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One application session the agent observes, from its creation to its close.
 *
 * <p>Every inference gets a span, a duration and token counts. A sampled inference is captured by
 * the agent's {@link CaptureSession} — the same model with attention, per-head outputs and hidden
 * states as extra outputs — in one of two ways:
 *
 * <ul>
 *   <li><b>served</b>: the capture session runs the call in place of the application's session and
 *       the application receives exactly its own outputs; the capture costs the extra outputs and
 *       the statistics, not a second inference. Only once the capture session has reproduced the
 *       application's outputs bit for bit on {@code headwatch.onnx.verify_inferences} sampled
 *       inferences, and while spot checks keep finding them identical;
 *   <li><b>re-run</b>: the application's session runs the call; the statistics worker re-runs a
 *       copy of the inputs on the capture session. While the capture session is being prepared or
 *       verified, and for good once a difference was seen.
 * </ul>
 */
final class ObservedSession {
  /** How sampled inferences of this session are captured now. */
  enum Mode {
    PREPARING,
    VERIFYING,
    SERVING,
    RERUN,
    UNAVAILABLE
  }

  private final AgentRuntime runtime;
  private final OrtEnvironment environment;
  private final OrtSession application;
  private final ModelTelemetry model;
  private final SessionInputs inputs;
  private final boolean embeddings;
  private final boolean mayServe;
  private final int verifyInferences;
  private final int spotCheckEvery;
  private final CompletableFuture<CaptureSession> capture = new CompletableFuture<>();

  /**
   * From this configured sampling rate on, the capture session is prepared when the application's
   * session is created; below it, on the session's first sampled call.
   */
  static final double EAGER_PREPARATION_RATE = 0.1;

  /** The capture session's preparation until the first sampled call submits it (then null). */
  private final AtomicReference<Runnable> preparation = new AtomicReference<>();

  private final AtomicInteger verifications = new AtomicInteger();
  private final AtomicLong served = new AtomicLong();
  private volatile Mode mode = Mode.PREPARING;
  private volatile boolean closed;
  private int pendingTasks;

  private ObservedSession(
      AgentRuntime runtime,
      OrtEnvironment environment,
      OrtSession application,
      ModelTelemetry model,
      boolean mayServe) {
    HeadwatchConfig config = runtime.config();
    this.runtime = runtime;
    this.environment = environment;
    this.application = application;
    this.model = model;
    this.inputs = new SessionInputs(new ArrayList<>(application.getInputNames()));
    this.embeddings = "embeddings".equals(model.operation());
    this.mayServe = mayServe;
    this.verifyInferences = config.onnxVerifyInferences();
    this.spotCheckEvery = config.onnxSpotCheckEvery();
  }

  /**
   * On the application's thread, inside session creation: names the model (cheaply: what the
   * library loading it calls it, else its path, else the graph's name read without parsing nodes,
   * else a checksum; see {@link ModelNames#onnxModel}) and keeps the capture session's preparation
   * for the first sampled call, which hands it to the set-up thread.
   */
  static ObservedSession create(
      AgentRuntime runtime,
      OrtEnvironment environment,
      OrtSession session,
      CaptureSessionFactory.ModelSource source,
      Object options) {
    HeadwatchConfig config = runtime.config();
    String library = ModelLoading.current();
    String graphName = null;
    if (source.array() != null && ModelNames.fromLocation(library) == null) {
      try {
        graphName = OnnxModel.graphName(ByteBuffer.wrap(source.array()));
      } catch (RuntimeException e) {
        AgentLog.warnOnce("onnx-parse", "could not read the model's graph name", e);
      }
    }
    String derived = ModelNames.onnxModel(library, source.path, graphName, source.array());
    String operation =
        ModelNames.onnxOperation(config.operationName(), new ArrayList<>(session.getOutputNames()));
    ModelTelemetry model =
        runtime.models().model(derived, operation, TelemetryNames.PROVIDER_ONNXRUNTIME);
    String name = model.model();
    SessionOptionsRecorder.Recorded recorded = SessionOptionsRecorder.of(options);
    boolean mayServe = config.onnxServe() && recorded.cpuOnly() && OrtResults.available();
    ObservedSession observed = new ObservedSession(runtime, environment, session, model, mayServe);
    if (!OnnxShutdownGuard.guarded()) {
      // ONNX Runtime's shutdown hook runs unguarded: an agent call in flight at exit could crash.
      AgentLog.warnOnce(
          "onnx-unguarded",
          "ONNX Runtime's shutdown hook could not be guarded; attention capture is off,"
              + " inference-level telemetry only",
          null);
      observed.prepared(null);
      return observed;
    }
    long maxBytes = config.onnxMaxModelBytes();
    // At low sampling rates, prepared on the first sampled call: a session that is never sampled
    // (sampling 0, or a short-lived one) never pays for a capture session, a second copy of the
    // weights. At high rates, now: the first calls will be sampled, and captures queued while the
    // capture session is prepared (seconds, under load) would fill the queue.
    observed.preparation.set(
        () -> {
          if ((observed.closed || runtime.setup().closing()) && !observed.awaited()) {
            // Once the application closed its session, or the JVM is exiting, nothing will use a
            // capture session that no queued capture waits for: creating it would only delay the
            // exit (about 0.5 s and a second copy of the weights for MiniLM).
            observed.prepared(null);
            AgentLog.debug(
                "capture preparation for "
                    + name
                    + " skipped: "
                    + (observed.closed ? "its session is closed" : "the JVM is exiting"));
            return;
          }
          long start = System.nanoTime();
          CaptureSession cs = null;
          try {
            cs = CaptureSessionFactory.create(environment, source, recorded, name, maxBytes);
          } finally {
            observed.prepared(cs);
            AgentLog.debug(
                "capture preparation for "
                    + name
                    + " took "
                    + (System.nanoTime() - start) / 1_000_000
                    + " ms");
          }
        });
    if (config.samplingRate() >= EAGER_PREPARATION_RATE) {
      observed.startPreparation();
    }
    return observed;
  }

  private void prepared(CaptureSession session) {
    mode = session == null ? Mode.UNAVAILABLE : mayServe ? Mode.VERIFYING : Mode.RERUN;
    capture.complete(session);
    boolean release;
    synchronized (this) {
      // Captures still queued for a closed session use it first: the last of them releases it.
      release = closed && pendingTasks == 0;
    }
    if (session != null && release) {
      releaseWhenIdle();
    }
  }

  ModelTelemetry model() {
    return model;
  }

  OrtEnvironment environment() {
    return environment;
  }

  OrtSession applicationSession() {
    return application;
  }

  Mode mode() {
    return mode;
  }

  /** The capture session once prepared (waits for it: statistics worker only), or null. */
  CaptureSession awaitCapture() {
    return capture.join();
  }

  private boolean capturable() {
    Mode m = mode;
    return !closed && m != Mode.UNAVAILABLE;
  }

  // ---------------------------------------------------------------- the application's run

  /** At the start of the application's {@code run}: decides sampling, and serves if it may. */
  RunCall enter(
      Map<?, ?> runInputs, Set<?> requested, Map<?, ?> pinned, OrtSession.RunOptions runOptions) {
    long start = System.nanoTime();
    long startEpoch = EpochClock.nowEpochNanos();
    PredictionScope scope = PredictionScope.current();
    boolean sampled =
        capturable()
            && (scope != null
                ? scope.sampled() && !scope.attentionClaimed()
                : model.sampler().sample());
    if (sampled && mode == Mode.PREPARING) {
      startPreparation();
    }
    if (sampled
        && mode == Mode.SERVING
        && (pinned == null || pinned.isEmpty())
        && application.getOutputNames().containsAll(requested)
        && application.getInputNames().containsAll(runInputs.keySet())
        && (scope == null || scope.claimAttention())) {
      ServedCall call = serve(start, startEpoch, runInputs, requested, runOptions);
      if (call != null) {
        return call;
      }
      if (scope != null) {
        return new RunCall(this, start, startEpoch, false); // the claim was spent on the attempt
      }
    }
    return new RunCall(this, start, startEpoch, sampled);
  }

  @SuppressWarnings("unchecked")
  private ServedCall serve(
      long start,
      long startEpoch,
      Map<?, ?> runInputs,
      Set<?> requested,
      OrtSession.RunOptions runOptions) {
    CaptureSession cs = capture.getNow(null);
    if (cs == null || !startTask()) {
      return null;
    }
    OrtSession.Result full = null;
    try {
      Set<String> names = new LinkedHashSet<>((Set<String>) requested);
      full = cs.run((Map<String, ? extends OnnxTensorLike>) runInputs, names, runOptions);
      if (full == null) {
        taskDone();
        return null;
      }
      int k = names.size();
      String[] appNames = names.toArray(new String[0]);
      OnnxValue[] appValues = new OnnxValue[k];
      Map<String, OnnxValue> captured = new LinkedHashMap<>();
      int i = 0;
      for (Map.Entry<String, OnnxValue> e : full) {
        if (i < k) {
          appValues[i] = e.getValue();
        } else {
          captured.put(e.getKey(), e.getValue());
        }
        i++;
      }
      // A capture site the application also asked for (a graph output such as the last hidden
      // state) is the application's tensor: copied now, before the application may close it.
      Map<String, FloatTensor> copied = new LinkedHashMap<>();
      for (int j = 0; j < k; j++) {
        if (cs.captureOutputs().contains(appNames[j])
            && appValues[j] instanceof OnnxTensor t
            && t.getInfo().type == OnnxJavaType.FLOAT) {
          FloatBuffer buffer = t.getFloatBuffer();
          float[] values = new float[buffer.remaining()];
          buffer.get(values);
          copied.put(appNames[j], FloatTensor.of(t.getInfo().getShape(), values));
        }
      }
      OrtSession.Result result = OrtResults.of(appNames, appValues);
      served.incrementAndGet();
      return new ServedCall(
          this, start, startEpoch, result, new ServedCapture(cs.plan(), captured, copied));
    } catch (Throwable t) {
      // The application's own session runs this call instead: same outputs, same exceptions.
      OrtSession.Result r = full;
      if (r != null) {
        OnnxShutdownGuard.quietly(
            () -> {
              r.close();
              return null;
            },
            "closing a failed served call's outputs");
      }
      taskDone();
      if (t instanceof ai.onnxruntime.OrtException) {
        // The application's session gets the same call and gives the application its own answer
        // (an exception, most likely: the inputs were wrong): the application's problem to see.
        AgentLog.debug("serving a call of " + model.model() + " failed: " + t.getMessage());
        return null;
      }
      AgentLog.warnOnce(
          "onnx-serve-" + model.model() + "-" + t.getClass().getName(),
          "could not serve a sampled inference of model "
              + model.model()
              + " from the capture session; the application's session runs it",
          t);
      return null;
    }
  }

  /** After the application's {@code run} returned or threw (or was served). */
  void exit(RunCall call, Map<?, ?> runInputs, Object result, Throwable thrown) {
    long end = System.nanoTime();
    long[] mask = inputs.mask(runInputs);
    int[] tokens = inputs.tokensPerSequence(runInputs, mask);
    PredictionScope scope = PredictionScope.current();
    if (scope != null) {
      exitInScope(scope, call, runInputs, result, thrown, tokens, mask);
      scope.addOverhead(System.nanoTime() - end);
      return;
    }
    if (thrown == null && embeddings && result instanceof OrtSession.Result r) {
      recordEmbeddings(r);
    }
    Attributes[] inputFacts = truncation(tokens);
    Span span = model.startInferenceSpan(call.startEpochNanos, tokens.length, call.sampled);
    if (call.sampled) {
      String dropped;
      if (call instanceof ServedCall s) {
        dropped =
            runtime
                .pipeline()
                .offer(
                    servedCapture(s, model, span.getSpanContext(), tokens, mask, null, inputFacts));
        maybeSpotCheck(s, runInputs);
      } else if (thrown == null) {
        dropped =
            rerun(model, span.getSpanContext(), runInputs, result, tokens, mask, null, inputFacts);
      } else {
        dropped = "inference_failed";
      }
      span.setAttribute(
          TelemetryNames.CAPTURE_STATUS,
          dropped == null ? TelemetryNames.QUEUED : TelemetryNames.DROPPED);
      if (dropped != null) {
        span.setAttribute(TelemetryNames.CAPTURE_DROP_REASON, dropped);
      }
    }
    model.endInference(
        span, call.startEpochNanos, end - call.startNanos, tokens, call.sampled, thrown, true);
    model.recordInferenceThreadOverhead(System.nanoTime() - end);
  }

  /**
   * Inside a framework's prediction (DJL on the OnnxRuntime engine): the prediction is the record.
   * This run adds its token counts and, when the prediction is sampled and nothing else captured
   * its attention yet, a capture queued when the prediction ends (with the prediction's output).
   */
  private void exitInScope(
      PredictionScope scope,
      RunCall call,
      Map<?, ?> runInputs,
      Object result,
      Throwable thrown,
      int[] tokens,
      long[] mask) {
    scope.engineTokens(tokens);
    ModelTelemetry target = scope.model();
    SpanContext span = scope.spanContext();
    List<List<String>> texts = scope.tokenTexts();
    if (call instanceof ServedCall s) {
      scope.defer(
          extras ->
              runtime
                  .pipeline()
                  .offer(servedCapture(s, target, span, tokens, mask, texts, extras)));
    } else if (call.sampled && thrown == null && scope.claimAttention()) {
      CopiedInputs copied = CopiedInputs.copy(runInputs);
      if (copied == null) {
        AgentLog.warnOnce(
            "onnx-inputs-" + model.model(),
            "model " + model.model() + " has non-numeric inputs; attention capture skipped",
            null);
        return;
      }
      OutputBits expected = expectedOutputs(result);
      scope.defer(
          extras -> {
            if (!startTask()) {
              target.agent().recordDropped("session_closed");
              return "session_closed";
            }
            RerunCapture rc =
                new RerunCapture(this, target, span, copied, expected, tokens, mask, texts);
            rc.extras(extras);
            return runtime.pipeline().offer(rc);
          });
    }
  }

  private Capture servedCapture(
      ServedCall call,
      ModelTelemetry target,
      SpanContext span,
      int[] tokens,
      long[] mask,
      List<List<String>> texts,
      Attributes[] extras) {
    return call.capture.toCapture(target, span, tokens, mask, texts, extras, this::taskDone);
  }

  /** Queues a re-run of this call; returns null when queued, else why it was dropped. */
  private String rerun(
      ModelTelemetry target,
      SpanContext span,
      Map<?, ?> runInputs,
      Object result,
      int[] tokens,
      long[] mask,
      List<List<String>> texts,
      Attributes[] extras) {
    CopiedInputs copied = CopiedInputs.copy(runInputs);
    if (copied == null) {
      AgentLog.warnOnce(
          "onnx-inputs-" + model.model(),
          "model " + model.model() + " has non-numeric inputs; attention capture skipped",
          null);
      target.agent().recordDropped("unsupported_inputs");
      return "unsupported_inputs";
    }
    if (!startTask()) {
      target.agent().recordDropped("session_closed");
      return "session_closed";
    }
    RerunCapture rc =
        new RerunCapture(this, target, span, copied, expectedOutputs(result), tokens, mask, texts);
    rc.extras(extras);
    return runtime.pipeline().offer(rc);
  }

  /** The application's outputs to verify the capture session against, while verifying. */
  private OutputBits expectedOutputs(Object result) {
    Mode m = mode;
    if (!mayServe
        || (m != Mode.PREPARING && m != Mode.VERIFYING)
        || !(result instanceof OrtSession.Result r)) {
      return null;
    }
    return OutputBits.of(r);
  }

  private void maybeSpotCheck(ServedCall call, Map<?, ?> runInputs) {
    if (spotCheckEvery <= 0 || served.get() % spotCheckEvery != 0) {
      return;
    }
    CopiedInputs copied = CopiedInputs.copy(runInputs);
    OutputBits outputs = OutputBits.of(call.result);
    if (copied == null || outputs == null || !startTask()) {
      return;
    }
    runtime.pipeline().offer(new SpotCheck(this, copied, outputs));
  }

  /**
   * Whether each sequence filled the model's maximum length (the rows of its position embeddings,
   * less 2 for models whose positions start after an offset, as RoBERTa's do): counted, and put in
   * the snapshots, with the maximum. Null until the model's graph has been read, or when it does
   * not say.
   */
  private Attributes[] truncation(int[] tokens) {
    CaptureSession cs = capture.getNow(null);
    int max = cs == null ? -1 : cs.maxPositions();
    if (max <= 2 || tokens.length == 0) {
      return null;
    }
    Attributes[] facts = new Attributes[tokens.length];
    for (int b = 0; b < tokens.length; b++) {
      boolean cut = tokens[b] >= max - 2;
      model.recordTruncation(cut);
      facts[b] =
          Attributes.of(
              TelemetryNames.TRUNCATED, cut ? 1L : 0L, TelemetryNames.MAX_LENGTH, (long) max);
    }
    return facts;
  }

  // ---------------------------------------------------------------- verification

  /** A re-run compared the capture session's outputs with the application's. */
  void verified(boolean same) {
    if (!same) {
      stopServing(
          "the capture session's outputs differ from the application's session's (bit for bit)"
              + " before serving");
      return;
    }
    if (verifications.incrementAndGet() >= verifyInferences && mode == Mode.VERIFYING) {
      mode = Mode.SERVING;
      model.sampler().resetCaptureCost(); // serving costs the statistics, not a second inference
      AgentLog.debug(
          "model "
              + model.model()
              + ": capture session verified on "
              + verifyInferences
              + " inference(s); sampled inferences are served");
    }
  }

  /** A spot check re-ran a served call on the application's session. */
  void spotChecked(boolean same) {
    if (!same) {
      stopServing("a served inference's outputs differed from the application's session's");
    }
  }

  private void stopServing(String why) {
    if (mode == Mode.RERUN) {
      return;
    }
    mode = Mode.RERUN;
    model.sampler().resetCaptureCost(); // re-running costs a second inference again
    model.agent().recordDropped("verification_mismatch");
    AgentLog.warnOnce(
        "onnx-mismatch-" + model.model(),
        "model "
            + model.model()
            + ": "
            + why
            + "; its sampled inferences are re-run on a copy from now on",
        null);
  }

  // ---------------------------------------------------------------- outputs

  /**
   * For an embedding model: the L2 norm and non-finite values of each row of its first 2-D float
   * output ([batch, dimension], the sentence embeddings). The application's tensor is only read.
   */
  private void recordEmbeddings(OrtSession.Result result) {
    for (int i = 0; i < result.size(); i++) {
      OnnxValue value = result.get(i);
      if (!(value instanceof OnnxTensor tensor)) {
        continue;
      }
      long[] shape = tensor.getInfo().getShape();
      if (shape.length != 2 || tensor.getInfo().type != OnnxJavaType.FLOAT) {
        continue;
      }
      FloatBuffer buffer = tensor.getFloatBuffer();
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      model.recordEmbeddings(values, (int) shape[1]);
      return;
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Hands the capture session's preparation to the set-up thread, once. */
  private void startPreparation() {
    Runnable task = preparation.getAndSet(null);
    if (task != null) {
      runtime.setup().submit(task);
    }
  }

  /** Whether a capture, spot check or re-run is queued that needs the capture session. */
  private synchronized boolean awaited() {
    return pendingTasks > 0;
  }

  private synchronized boolean startTask() {
    if (closed) {
      return false;
    }
    pendingTasks++;
    return true;
  }

  /** Called by each capture, spot check or re-run when it ends, however it ends. */
  void taskDone() {
    boolean release;
    synchronized (this) {
      pendingTasks--;
      release = closed && pendingTasks == 0;
    }
    if (release) {
      releaseWhenIdle();
    }
  }

  /** The application closed its session: nothing new is captured; ours closes once idle. */
  void close() {
    boolean release;
    synchronized (this) {
      closed = true;
      release = pendingTasks == 0;
    }
    if (preparation.getAndSet(null) != null) {
      prepared(null); // never sampled: no capture session, and the model's bytes are let go
      return;
    }
    if (release) {
      releaseWhenIdle();
    }
  }

  private void releaseWhenIdle() {
    // On the set-up thread, so after the preparation.
    runtime
        .setup()
        .submit(
            () -> {
              CaptureSession cs = capture.join();
              if (cs != null) {
                cs.close();
              }
            });
  }
}
