package io.headwatch.agent.djl;

import io.headwatch.agent.instrumentation.PredictionScope;
import io.headwatch.agent.runtime.AgentRuntime;
import io.headwatch.agent.util.AgentLog;

/**
 * What the DJL advice calls: one entry per advice, each catching everything so that the
 * application's call goes on untouched whatever happens here. Nothing changes an argument or a
 * result; tensors are only read (and only for sampled predictions). The work lives in {@link
 * DjlPredictions}, {@link DjlForwardCapture} and {@link DjlTokenizerHooks}.
 */
public final class DjlHooks {
  private DjlHooks() {}

  public static Object onPredictEnter(Object model, Object translator, Object inputs) {
    try {
      return DjlPredictions.enter(model, translator, inputs);
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-predict-enter", "DJL prediction observation failed", t);
      return null;
    }
  }

  public static void onPredictExit(Object state, Object result, Throwable thrown) {
    try {
      DjlPredictions.exit(state, result, thrown);
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-predict-exit", "DJL prediction observation failed", t);
    }
  }

  public static boolean onForwardEnter() {
    try {
      DjlForwardCapture forward = forward();
      if (forward == null) {
        return false;
      }
      forward.forwardEnter();
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
      DjlForwardCapture forward = forward();
      if (forward != null) {
        forward.forwardExit(outputs);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-outputs", "reading a DJL model's outputs for attention failed", t);
    }
  }

  public static boolean onAttentionBlockEnter() {
    try {
      DjlForwardCapture forward = forward();
      if (forward == null || !forward.inForward()) {
        return false;
      }
      forward.blockEnter();
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
      DjlForwardCapture forward = forward();
      if (forward != null) {
        forward.blockExit();
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-block", "DJL attention block observation failed", t);
    }
  }

  public static void onSoftmax(Object probabilities) {
    try {
      DjlForwardCapture forward = forward();
      if (forward != null) {
        forward.softmax(probabilities);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-softmax", "reading DJL attention probabilities failed", t);
    }
  }

  public static boolean onEncodingEnter() {
    try {
      return DjlTokenizerHooks.enter();
    } catch (Throwable t) {
      return false;
    }
  }

  public static void onEncodingExit(boolean outermost, Object encoding) {
    try {
      DjlTokenizerHooks.exit(outermost, encoding);
    } catch (Throwable t) {
      AgentLog.warnOnce("djl-tokenizer", "reading a DJL tokenizer's encoding failed", t);
    }
  }

  /** The forward-pass state of this thread's DJL prediction, or null outside one. */
  private static DjlForwardCapture forward() {
    PredictionScope scope = PredictionScope.current();
    AgentRuntime runtime = AgentRuntime.current();
    if (scope == null || runtime == null) {
      return null;
    }
    long maxBytes = runtime.config().djlMaxCaptureBytes();
    return scope.engineState(DjlForwardCapture.class, () -> new DjlForwardCapture(scope, maxBytes));
  }
}
