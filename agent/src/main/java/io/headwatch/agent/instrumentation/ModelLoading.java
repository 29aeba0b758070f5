package io.headwatch.agent.instrumentation;

/**
 * What the library loading a model on this thread calls it: langchain4j's class-path resource
 * ({@code all-minilm-l6-v2.onnx}), Spring AI's model resource. The library's hook sets it around
 * the call that creates the engine's session, and the engine's hook reads it to name the model
 * (libraries often hand the engine bytes, which carry no name). Engine-free: a string only.
 */
public final class ModelLoading {
  private static final ThreadLocal<String> LOCATION = new ThreadLocal<>();

  private ModelLoading() {}

  /** Sets this thread's model location; returns the previous one, for {@link #exit}. */
  public static String enter(String location) {
    String previous = LOCATION.get();
    LOCATION.set(location);
    return previous;
  }

  /** Restores the location {@link #enter} returned (nested loads keep the outer one). */
  public static void exit(String previous) {
    if (previous == null) {
      LOCATION.remove();
    } else {
      LOCATION.set(previous);
    }
  }

  /** The location of the model the library is loading on this thread, or null. */
  public static String current() {
    return LOCATION.get();
  }
}
