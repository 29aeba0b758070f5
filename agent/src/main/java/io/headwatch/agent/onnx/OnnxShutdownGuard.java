package io.headwatch.agent.onnx;

import io.headwatch.agent.runtime.AgentRuntime;
import io.headwatch.agent.util.AgentLog;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps the agent's own native calls into ONNX Runtime off a released environment.
 *
 * <p>ONNX Runtime releases its native environment in a JVM shutdown hook ({@code
 * OrtEnvironment$OrtEnvCloser}); shutdown hooks run concurrently, and a native call on a released
 * environment crashes the JVM. The agent weaves {@link #beforeEnvironmentReleased} into that hook:
 * it finishes the agent's queued work, then takes the write side of a lock whose read side every
 * agent call into ONNX Runtime holds ({@link #asAgent}); after that, agent calls fail fast. If the
 * hook could not be woven (another agent's transformation in the way, or an ONNX Runtime without
 * that class), {@link #guarded()} is false and the agent makes no native calls of its own.
 */
final class OnnxShutdownGuard {
  private static final ReentrantReadWriteLock GATE = new ReentrantReadWriteLock();
  private static final ThreadLocal<Boolean> AGENT_CALL = new ThreadLocal<>();
  private static volatile boolean released;
  private static volatile boolean guarded;

  private OnnxShutdownGuard() {}

  /** Called once the environment closer has been woven. */
  static void markGuarded() {
    guarded = true;
  }

  /** Whether ONNX Runtime's shutdown hook waits for the agent's native calls. */
  static boolean guarded() {
    return guarded;
  }

  /** Whether this thread is inside one of the agent's own calls into ONNX Runtime. */
  static boolean isAgentCall() {
    return AGENT_CALL.get() != null;
  }

  /**
   * Runs {@code action} as the agent's own call into ONNX Runtime: not observed by the agent's
   * hooks, and never while the native environment is being released.
   */
  static <T> T asAgent(AgentCall<T> action) throws Exception {
    if (!GATE.readLock().tryLock()) {
      throw new IllegalStateException("ONNX Runtime is shutting down");
    }
    boolean nested = AGENT_CALL.get() != null;
    AGENT_CALL.set(Boolean.TRUE);
    try {
      if (released) {
        throw new IllegalStateException("ONNX Runtime environment released");
      }
      return action.call();
    } finally {
      if (!nested) {
        AGENT_CALL.remove();
      }
      GATE.readLock().unlock();
    }
  }

  /** Like {@link #asAgent}, for cleanup that may be skipped when ONNX Runtime is gone. */
  static void quietly(AgentCall<?> action, String what) {
    try {
      asAgent(action);
    } catch (Exception e) {
      AgentLog.debug(what + " skipped: " + e.getMessage());
    }
  }

  /**
   * From ONNX Runtime's shutdown hook, before it releases the native environment: the agent
   * finishes its queued work (within the shutdown timeout), then closes the gate.
   */
  static void beforeEnvironmentReleased() {
    try {
      AgentRuntime runtime = AgentRuntime.current();
      long deadline = runtime == null ? System.nanoTime() + 1_000_000_000L : runtime.exitDeadline();
      if (runtime != null) {
        runtime.drainUntil(runtime.drainDeadline(deadline));
      }
      if (!GATE.writeLock()
          .tryLock(AgentRuntime.remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
        AgentLog.warn("exit: an agent call into ONNX Runtime did not finish in time");
      }
      // The write lock is never released: agent calls fail fast from now on.
      released = true;
    } catch (Throwable t) {
      released = true;
      AgentLog.warnOnce("onnx-release", "waiting for agent work at exit failed", t);
    }
  }

  /** A call into ONNX Runtime. */
  interface AgentCall<T> {
    T call() throws Exception;
  }
}
