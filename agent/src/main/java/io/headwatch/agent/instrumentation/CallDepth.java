package io.headwatch.agent.instrumentation;

/**
 * How deep the current thread is in calls to one instrumented method family, so that a call made
 * from inside another instrumented call of the same family is not counted twice (ONNX Runtime's
 * {@code run} overloads, DJL's nested predictors, a tokenizer that calls itself). One instance per
 * family, held in a static field of the hooks that use it.
 *
 * <pre>{@code
 * if (DEPTH.enter() > 0) { ...nested: do nothing... }
 * ...
 * DEPTH.exit();   // always, once per enter()
 * }</pre>
 */
public final class CallDepth {
  private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

  private CallDepth() {}

  public static CallDepth create() {
    return new CallDepth();
  }

  /** Enters one call; returns the depth before it (0 for the outermost call). */
  public int enter() {
    return depth.get()[0]++;
  }

  /** Leaves one call; returns the depth after it (0 when the outermost call ends). */
  public int exit() {
    int[] d = depth.get();
    if (d[0] > 0) {
      d[0]--;
    }
    return d[0];
  }
}
