package io.headwatch.agent.library;

import io.headwatch.agent.instrumentation.ModelLoading;
import io.headwatch.agent.util.AgentLog;
import java.lang.reflect.Field;

/**
 * What the library advice calls: sets this thread's {@link ModelLoading} location around the
 * library's loading call. Every method catches everything. Returns what {@link #exit} restores: the
 * previous location, or {@link #NOT_ENTERED} when nothing was set.
 */
public final class LibraryHooks {
  /** Returned by an enter hook that set nothing: {@link #exit} then changes nothing. */
  static final Object NOT_ENTERED = new Object();

  private static final Object NONE = new Object();

  private LibraryHooks() {}

  /** langchain4j: the model's class-path resource name. */
  public static Object enterResource(Object resource) {
    try {
      if (resource instanceof String name && !name.isBlank()) {
        String previous = ModelLoading.enter(name);
        return previous == null ? NONE : previous;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("library-resource", "reading a library's model resource failed", t);
    }
    return NOT_ENTERED;
  }

  /** Spring AI: the location of the {@code TransformersEmbeddingModel}'s model resource. */
  public static Object enterSpringAi(Object model) {
    try {
      String location = springResourceLocation(field(model, "modelResource"));
      if (location != null) {
        String previous = ModelLoading.enter(location);
        return previous == null ? NONE : previous;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "library-spring-ai",
          "reading Spring AI's model resource failed; the model is named from its bytes",
          t);
    }
    return NOT_ENTERED;
  }

  public static void exit(Object previous) {
    try {
      if (previous != NOT_ENTERED) {
        ModelLoading.exit(previous instanceof String s ? s : null);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("library-exit", "ending a library's model load failed", t);
    }
  }

  /** A Spring {@code Resource}'s URI (file, class path, URL), else its file name; or null. */
  static String springResourceLocation(Object resource) {
    if (resource == null) {
      return null;
    }
    for (String method : new String[] {"getURI", "getFilename"}) {
      try {
        Object value = resource.getClass().getMethod(method).invoke(resource);
        if (value != null && !value.toString().isBlank()) {
          return value.toString();
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        // a resource that cannot say (e.g. a class-path resource not found): try the next
      }
    }
    return null;
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    for (Class<?> c = target.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // declared higher up
      }
    }
    return null;
  }
}
