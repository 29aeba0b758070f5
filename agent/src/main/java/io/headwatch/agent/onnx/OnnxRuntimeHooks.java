package io.headwatch.agent.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.AgentRuntime;
import io.headwatch.agent.inference.InferenceScope;
import io.headwatch.agent.util.AgentLog;
import io.headwatch.agent.util.EpochClock;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What the ONNX Runtime advice calls. Every method catches everything: the application's call goes
 * on untouched whatever happens here. Parameters are typed {@code Object} so that the advice links
 * even where the agent cannot see ONNX Runtime's classes.
 */
public final class OnnxRuntimeHooks {
  // Application sessions the agent observes. Identity keys (OrtSession has no equals); weak, so a
  // session the application forgets to close does not leak.
  private static final Map<Object, ObservedModel> SESSIONS =
      Collections.synchronizedMap(new WeakHashMap<>());
  // Set while the agent creates or runs its own capture session, so that it observes only the
  // application's.
  private static final ThreadLocal<Boolean> AGENT_CALL = new ThreadLocal<>();
  // One run() may call another run() overload; only the outermost counts.
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  // Agent calls into ONNX Runtime hold the read lock; the environment's release takes the write
  // lock.
  private static final ReentrantReadWriteLock GATE = new ReentrantReadWriteLock();
  private static volatile boolean released;

  private OnnxRuntimeHooks() {}

  public static void onSessionCreated(Object session, Object environment, Object model) {
    try {
      AgentRuntime runtime = AgentRuntime.current();
      if (runtime == null || AGENT_CALL.get() != null) {
        return;
      }
      ModelSource source = ModelSource.of(model);
      if (source == null) {
        return;
      }
      ObservedModel observed =
          ObservedModel.prepare(
              runtime, (OrtEnvironment) environment, (OrtSession) session, source);
      SESSIONS.put(session, observed);
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "onnx-create",
          "could not prepare observation of an ONNX Runtime session;" + " it runs unobserved",
          t);
    }
  }

  public static Object onRunEnter(Object session) {
    try {
      if (AGENT_CALL.get() != null) {
        return null;
      }
      ObservedModel observed = SESSIONS.get(session);
      if (observed == null) {
        return null;
      }
      int[] depth = DEPTH.get();
      if (depth[0]++ > 0) {
        return NESTED;
      }
      return new RunScope(observed, System.nanoTime(), EpochClock.nowEpochNanos());
    } catch (Throwable t) {
      AgentLog.warnOnce("onnx-run-enter", "ONNX Runtime run observation failed", t);
      return null;
    }
  }

  public static void onRunExit(Object scope, Object inputs, Object result, Throwable thrown) {
    if (scope == null) {
      return;
    }
    try {
      DEPTH.get()[0]--;
      if (scope == NESTED) {
        return;
      }
      RunScope run = (RunScope) scope;
      long end = System.nanoTime();
      InferenceScope outer = InferenceScope.current();
      if (outer != null) {
        // Inside a framework's prediction (DJL): contribute to its record, make none of our own.
        run.model.onInferenceInScope(outer, (Map<?, ?>) inputs, thrown);
      } else {
        run.model.onInference(
            run.startNanos, run.startEpochNanos, end, (Map<?, ?>) inputs, result, thrown);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("onnx-run-exit", "ONNX Runtime run observation failed", t);
    }
  }

  public static void onSessionClosed(Object session) {
    try {
      ObservedModel observed = SESSIONS.remove(session);
      if (observed != null) {
        observed.close();
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("onnx-close", "closing the agent's capture session failed", t);
    }
  }

  /**
   * Called when ONNX Runtime's own shutdown hook is about to release the native environment: the
   * agent finishes its queued work first (within the shutdown timeout), then closes the gate so
   * that no agent call into ONNX Runtime can run on a released environment (which would crash the
   * JVM).
   */
  public static void beforeEnvironmentReleased() {
    try {
      AgentRuntime runtime = AgentRuntime.current();
      long timeoutMs = runtime == null ? 1000 : runtime.config().shutdownTimeoutMs();
      if (runtime != null) {
        runtime.worker().drain(timeoutMs);
      }
      if (GATE.writeLock().tryLock(Math.max(timeoutMs, 1000), TimeUnit.MILLISECONDS)) {
        released = true; // the write lock is never released: agent calls fail fast from now on
      } else {
        AgentLog.warn("exit: an agent call into ONNX Runtime did not finish in time");
        released = true;
      }
    } catch (Throwable t) {
      released = true;
      AgentLog.warnOnce("onnx-release", "waiting for agent work at exit failed", t);
    }
  }

  /**
   * Runs {@code action} as the agent's own call to ONNX Runtime: not observed, and never while the
   * native environment is being released.
   */
  static <T> T asAgent(AgentCall<T> action) throws Exception {
    if (!GATE.readLock().tryLock()) {
      throw new IllegalStateException("ONNX Runtime is shutting down");
    }
    AGENT_CALL.set(Boolean.TRUE);
    try {
      if (released) {
        throw new IllegalStateException("ONNX Runtime environment released");
      }
      return action.call();
    } finally {
      AGENT_CALL.remove();
      GATE.readLock().unlock();
    }
  }

  interface AgentCall<T> {
    T call() throws Exception;
  }

  private static final Object NESTED = new Object();

  private static final class RunScope {
    final ObservedModel model;
    final long startNanos;
    final long startEpochNanos;

    RunScope(ObservedModel model, long startNanos, long startEpochNanos) {
      this.model = model;
      this.startNanos = startNanos;
      this.startEpochNanos = startEpochNanos;
    }
  }

  /** Where the application's model came from. */
  static final class ModelSource {
    final String path;
    final byte[] bytes;

    private ModelSource(String path, byte[] bytes) {
      this.path = path;
      this.bytes = bytes;
    }

    static ModelSource of(Object model) {
      if (model instanceof String) {
        return new ModelSource((String) model, null);
      }
      if (model instanceof byte[]) {
        return new ModelSource(null, (byte[]) model);
      }
      if (model instanceof ByteBuffer) {
        // A view, so that the application's buffer position and limit stay as they were.
        ByteBuffer view = ((ByteBuffer) model).duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return new ModelSource(null, copy);
      }
      return null;
    }
  }
}
