package io.headwatch.agent.djl;

import io.headwatch.agent.capture.Capture;
import io.headwatch.agent.capture.LayerTensor;
import io.headwatch.agent.export.ModelTelemetry;
import io.headwatch.agent.export.TelemetryNames;
import io.headwatch.agent.instrumentation.CallDepth;
import io.headwatch.agent.instrumentation.PredictionScope;
import io.headwatch.agent.runtime.AgentRuntime;
import io.headwatch.agent.util.AgentLog;
import io.headwatch.agent.util.EpochClock;
import io.opentelemetry.api.trace.Span;
import java.util.List;

/**
 * One record per outermost {@code Predictor.batchPredict}: opens the prediction's scope (span,
 * sampling decision), and at its end records what the nested hooks contributed — token counts,
 * tokenizer facts, outputs — and queues its capture.
 */
final class DjlPredictions {
  // Nested batchPredict calls (a translator that calls another predictor): the outermost counts.
  private static final CallDepth DEPTH = CallDepth.create();
  // Returned by enter() for calls that only need the depth undone at exit.
  static final Object NESTED = new Object();

  private DjlPredictions() {}

  static Object enter(Object model, Object translator, Object inputs) {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return null;
    }
    if (DEPTH.enter() > 0) {
      return NESTED;
    }
    try {
      long start = System.nanoTime();
      long startEpoch = EpochClock.nowEpochNanos();
      ModelTelemetry telemetry = DjlModels.telemetry(runtime, model, translator);
      int batch = inputs instanceof List<?> l ? l.size() : 1;
      boolean sampled = telemetry.sampler().sample();
      Span span = telemetry.startInferenceSpan(startEpoch, batch, sampled);
      int tokenSequences =
          runtime.config().snapshotTokens() ? runtime.config().snapshotMaxSequences() : 0;
      return PredictionScope.open(
          telemetry, span, sampled, start, startEpoch, batch, tokenSequences);
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-predict-enter", "DJL prediction observation failed", t);
      return NESTED;
    }
  }

  static void exit(Object state, Object result, Throwable thrown) {
    if (state == null) {
      return;
    }
    DEPTH.exit();
    if (state instanceof PredictionScope scope) {
      scope.close();
      finish(scope, System.nanoTime(), result, thrown);
    }
  }

  private static void finish(PredictionScope scope, long end, Object result, Throwable thrown) {
    ModelTelemetry telemetry = scope.model();
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

    double[][] classifier = thrown == null ? DjlOutputs.record(telemetry, span, result) : null;

    String dropped = null;
    PredictionScope.DeferredCapture deferred = scope.deferred();
    if (deferred != null) {
      // An engine call inside this prediction (ONNX Runtime) prepared the capture; it is always
      // submitted (or released) so that its engine resources are freed.
      dropped =
          deferred.submit(thrown == null ? DjlOutputs.snapshotExtras(classifier, scope) : null);
    }
    DjlForwardCapture forward = scope.engineStateIfPresent(DjlForwardCapture.class);
    if (thrown == null && forward != null && !forward.attention().isEmpty()) {
      Capture.Builder capture =
          Capture.builder(telemetry, scope.spanContext())
              .tokens(tokens)
              .tokenTexts(scope.tokenTexts())
              .extras(DjlOutputs.snapshotExtras(classifier, scope));
      for (LayerTensor t : forward.attention()) {
        capture.attention(t.layer(), t.tensor());
      }
      AgentRuntime runtime = AgentRuntime.current();
      dropped = runtime == null ? "shutdown" : runtime.pipeline().offer(capture.build());
    }
    if (scope.sampled()) {
      boolean captured = scope.attentionClaimed() && dropped == null;
      span.setAttribute(
          TelemetryNames.CAPTURE_STATUS, captured ? TelemetryNames.QUEUED : TelemetryNames.DROPPED);
      if (!captured) {
        span.setAttribute(
            TelemetryNames.CAPTURE_DROP_REASON,
            dropped != null ? dropped : thrown != null ? "inference_failed" : "nothing_captured");
      }
    }
    telemetry.endInference(
        span,
        scope.startEpochNanos(),
        end - scope.startNanos(),
        tokens,
        scope.sampled(),
        thrown,
        tokens.length > 0);
    telemetry.recordInferenceThreadOverhead(
        System.nanoTime() - overheadStart + scope.overheadNanos());
  }
}
