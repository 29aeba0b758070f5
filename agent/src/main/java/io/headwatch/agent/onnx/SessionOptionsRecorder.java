package io.headwatch.agent.onnx;

import ai.onnxruntime.OrtSession;
import io.headwatch.agent.util.AgentLog;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Remembers how the application configured each {@code SessionOptions}, so that the agent's capture
 * session of a model runs like the application's session (same threads, same optimisations) without
 * touching the application's options object: that object may be closed as soon as the session
 * exists (DJL does), so the agent replays the calls on its own options instead.
 *
 * <p>Only calls that change how a session computes are replayed. Calls that write files (profiling,
 * optimised-model dumps) or load code (custom op libraries) are not; execution providers other than
 * the CPU's make the capture session unable to serve (its numbers would differ), see {@link
 * Recorded#cpuOnly()}.
 */
final class SessionOptionsRecorder {
  /** Methods whose calls are replayed on the capture session's options. */
  static final Set<String> REPLAYED =
      Set.of(
          "setExecutionMode",
          "setOptimizationLevel",
          "setInterOpNumThreads",
          "setIntraOpNumThreads",
          "setMemoryPatternOptimization",
          "setCPUArenaAllocator",
          "setSymbolicDimensionValue",
          "setDeterministicCompute",
          "disablePerSessionThreads",
          "addConfigEntry",
          "addCPU",
          "addDnnl",
          "addXnnpack");

  /** Methods that put the session on another device: the capture session stays on the CPU. */
  static final Set<String> OTHER_DEVICES =
      Set.of(
          "addCUDA",
          "addROCM",
          "addOpenVINO",
          "addTensorrt",
          "addNnapi",
          "addTvm",
          "addDirectML",
          "addACL",
          "addArmNN",
          "addCoreML",
          "addQnn");

  private static final Map<Object, List<Call>> CALLS =
      Collections.synchronizedMap(new WeakHashMap<>());
  private static final int MAX_CALLS = 64;

  private SessionOptionsRecorder() {}

  /** One call made on an options object. */
  record Call(String method, Object[] args) {}

  /** From the advice, after {@code method} returned normally on {@code options}. */
  static void record(Object options, String method, Object[] args) {
    if (!REPLAYED.contains(method) && !OTHER_DEVICES.contains(method)) {
      return;
    }
    Object[] copy = args == null ? new Object[0] : args.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] instanceof Map<?, ?> map) {
        copy[i] = Map.copyOf(map); // the application may change its map afterwards
      }
    }
    synchronized (CALLS) {
      List<Call> calls = CALLS.computeIfAbsent(options, k -> new ArrayList<>());
      if (calls.size() < MAX_CALLS) {
        calls.add(new Call(method, copy));
      }
    }
  }

  /** What was recorded for {@code options} (null: the application passed none). */
  static Recorded of(Object options) {
    List<Call> calls;
    synchronized (CALLS) {
      List<Call> known = options == null ? null : CALLS.get(options);
      calls = known == null ? List.of() : List.copyOf(known);
    }
    return new Recorded(calls);
  }

  /** A snapshot of one options object's configuration. */
  static final class Recorded {
    private final List<Call> calls;

    Recorded(List<Call> calls) {
      this.calls = calls;
    }

    /** Whether the application's session runs on the CPU only. */
    boolean cpuOnly() {
      for (Call call : calls) {
        if (OTHER_DEVICES.contains(call.method())) {
          return false;
        }
      }
      return true;
    }

    /**
     * New options configured like the application's (CPU only). Calls that cannot be replayed are
     * skipped with one log line: the capture session still works, perhaps more slowly.
     */
    OrtSession.SessionOptions create() {
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      for (Call call : calls) {
        if (!REPLAYED.contains(call.method())) {
          continue;
        }
        try {
          find(call).invoke(options, call.args());
        } catch (ReflectiveOperationException | RuntimeException e) {
          AgentLog.warnOnce(
              "options-" + call.method(),
              "could not give the capture session the application's "
                  + call.method()
                  + " setting; it runs without it",
              e);
        }
      }
      return options;
    }

    private static Method find(Call call) throws NoSuchMethodException {
      for (Method m : OrtSession.SessionOptions.class.getMethods()) {
        if (m.getName().equals(call.method())
            && m.getParameterCount() == call.args().length
            && accepts(m.getParameterTypes(), call.args())) {
          return m;
        }
      }
      throw new NoSuchMethodException(call.method());
    }

    private static boolean accepts(Class<?>[] types, Object[] args) {
      for (int i = 0; i < types.length; i++) {
        Class<?> t = types[i].isPrimitive() ? boxed(types[i]) : types[i];
        if (args[i] != null && !t.isInstance(args[i])) {
          return false;
        }
      }
      return true;
    }

    private static Class<?> boxed(Class<?> primitive) {
      if (primitive == int.class) {
        return Integer.class;
      }
      if (primitive == long.class) {
        return Long.class;
      }
      if (primitive == boolean.class) {
        return Boolean.class;
      }
      return Object.class;
    }
  }
}
