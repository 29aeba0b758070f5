package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import io.headwatch.agent.util.AgentLog;
import java.lang.reflect.Constructor;

/**
 * Builds the {@code OrtSession.Result} an application receives from a served call: exactly the
 * outputs it asked for, in its order, owned by the result (so that closing it frees them as usual).
 * ONNX Runtime's constructor is package-private; it is found once by reflection. Without it
 * (another ONNX Runtime version, or ONNX Runtime on the module path) the agent does not serve.
 */
final class OrtResults {
  private static final Constructor<?> CONSTRUCTOR = find();

  private OrtResults() {}

  private static Constructor<?> find() {
    try {
      Constructor<?> c =
          OrtSession.Result.class.getDeclaredConstructor(
              String[].class, OnnxValue[].class, boolean[].class);
      c.setAccessible(true);
      return c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.warnOnce(
          "onnx-result",
          "this ONNX Runtime's results cannot be built by the agent; sampled inferences are"
              + " re-run instead of served",
          e);
      return null;
    }
  }

  /** Whether served results can be built. */
  static boolean available() {
    return CONSTRUCTOR != null;
  }

  /** A result owning {@code values}, named {@code names}. */
  static OrtSession.Result of(String[] names, OnnxValue[] values) throws Exception {
    boolean[] owned = new boolean[values.length];
    java.util.Arrays.fill(owned, true);
    return (OrtSession.Result) CONSTRUCTOR.newInstance(names, values, owned);
  }
}
