package io.headwatch.agent.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.instrumentation.CallDepth;
import io.headwatch.agent.runtime.AgentRuntime;
import io.headwatch.agent.util.AgentLog;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * What the ONNX Runtime advice calls. Every method catches everything: the application's call goes
 * on untouched whatever happens here. Parameters are typed {@code Object} so that the advice links
 * even where the agent cannot see ONNX Runtime's classes.
 */
public final class OnnxRuntimeHooks {
  // Application sessions the agent observes. Identity keys (OrtSession has no equals); weak, so a
  // session the application forgets to close does not leak.
  private static final Map<Object, ObservedSession> SESSIONS =
      Collections.synchronizedMap(new WeakHashMap<>());
  // One run() overload may call another; only the outermost counts.
  private static final CallDepth RUN_DEPTH = CallDepth.create();
  private static final Object NESTED = new Object();

  private OnnxRuntimeHooks() {}

  public static void onSessionCreated(
      Object session, Object environment, Object model, Object options) {
    try {
      AgentRuntime runtime = AgentRuntime.current();
      if (runtime == null || OnnxShutdownGuard.isAgentCall()) {
        return;
      }
      CaptureSessionFactory.ModelSource source = CaptureSessionFactory.ModelSource.of(model);
      if (source == null) {
        return;
      }
      SESSIONS.put(
          session,
          ObservedSession.create(
              runtime, (OrtEnvironment) environment, (OrtSession) session, source, options));
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "onnx-create",
          "could not prepare observation of an ONNX Runtime session; it runs unobserved",
          t);
    }
  }

  /**
   * At the start of {@code run}: null (not observed), a marker (nested call), a {@link RunCall}, or
   * a {@link ServedCall} — then the advice skips the original method and returns its result.
   */
  public static Object onRunEnter(
      Object session, Object inputs, Object requested, Object pinned, Object runOptions) {
    try {
      if (OnnxShutdownGuard.isAgentCall()) {
        return null;
      }
      ObservedSession observed = SESSIONS.get(session);
      if (observed == null) {
        return null;
      }
      if (RUN_DEPTH.enter() > 0) {
        return NESTED;
      }
      try {
        return observed.enter(
            (Map<?, ?>) inputs,
            (Set<?>) requested,
            (Map<?, ?>) pinned,
            (OrtSession.RunOptions) runOptions);
      } catch (Throwable t) {
        RUN_DEPTH.exit();
        throw t;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("onnx-run-enter", "ONNX Runtime run observation failed", t);
      return null;
    }
  }

  public static void onRunExit(Object call, Object inputs, Object result, Throwable thrown) {
    if (call == null) {
      return;
    }
    try {
      RUN_DEPTH.exit();
      if (call instanceof RunCall run) {
        run.session.exit(run, (Map<?, ?>) inputs, result, thrown);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("onnx-run-exit", "ONNX Runtime run observation failed", t);
    }
  }

  public static void onSessionClosed(Object session) {
    try {
      ObservedSession observed = SESSIONS.remove(session);
      if (observed != null) {
        observed.close();
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("onnx-close", "closing the agent's capture session failed", t);
    }
  }

  /** The observation of an application session, or null (tests and diagnostics). */
  static ObservedSession observed(Object session) {
    return SESSIONS.get(session);
  }

  /** ONNX Runtime's shutdown hook is about to release the native environment. */
  public static void beforeEnvironmentReleased() {
    OnnxShutdownGuard.beforeEnvironmentReleased();
  }

  /** A {@code SessionOptions} method returned: remember the setting for capture sessions. */
  public static void onOptionsCall(Object options, String method, Object[] args, Throwable thrown) {
    try {
      if (thrown == null && !OnnxShutdownGuard.isAgentCall()) {
        SessionOptionsRecorder.record(options, method, args);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("onnx-options", "recording a session option failed", t);
    }
  }
}
