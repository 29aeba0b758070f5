package io.headwatch.agent.export;

import io.headwatch.agent.util.AgentLog;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The span the application has current on this thread, read through the application's own
 * OpenTelemetry API (any version, or the OpenTelemetry java agent's), so that the agent's inference
 * span becomes its child: a request's trace then leads to the prediction's record.
 *
 * <p>The agent's copy of the API is relocated, so the application's is found by name, built at run
 * time (a string literal would be relocated too), from the thread's context class loader, and its
 * methods are called through cached method handles. An application without the API, or whose API
 * does not have the expected methods, costs one failed lookup per class loader.
 */
final class ApplicationSpan {
  private static final String API_PACKAGE = String.join(".", "io", "opentelemetry", "api", "trace");
  private static final Handles ABSENT = new Handles(null, null, null, null, null);
  // Bounded: one entry per distinct context class loader the inference threads use.
  private static final Map<ClassLoader, Handles> HANDLES = new ConcurrentHashMap<>();
  private static final int MAX_LOADERS = 64;

  private ApplicationSpan() {}

  /** The application's current span context on this thread, or null when it has none. */
  static SpanContext current() {
    // As an extension of the OpenTelemetry Java agent, Headwatch's API is that agent's: its
    // current span is the application's (the agent bridges the application's API to it). With
    // -javaagent:headwatch-agent.jar the relocated API's context is always empty.
    SpanContext own = io.opentelemetry.api.trace.Span.current().getSpanContext();
    if (own.isValid()) {
      return sampled(own.getTraceId(), own.getSpanId());
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = ClassLoader.getSystemClassLoader();
    }
    Handles handles = HANDLES.get(loader);
    if (handles == null) {
      handles =
          HANDLES.size() < MAX_LOADERS ? HANDLES.computeIfAbsent(loader, Handles::find) : ABSENT;
    }
    return handles.read();
  }

  private static SpanContext sampled(String traceId, String spanId) {
    return SpanContext.createFromRemoteParent(
        traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
  }

  private static final class Handles {
    private final MethodHandle current;
    private final MethodHandle context;
    private final MethodHandle valid;
    private final MethodHandle traceId;
    private final MethodHandle spanId;

    Handles(
        MethodHandle current,
        MethodHandle context,
        MethodHandle valid,
        MethodHandle traceId,
        MethodHandle spanId) {
      this.current = current;
      this.context = context;
      this.valid = valid;
      this.traceId = traceId;
      this.spanId = spanId;
    }

    static Handles find(ClassLoader loader) {
      try {
        Class<?> span = Class.forName(API_PACKAGE + ".Span", false, loader);
        Class<?> spanContext = Class.forName(API_PACKAGE + ".SpanContext", false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        return new Handles(
            lookup.findStatic(span, "current", MethodType.methodType(span)),
            lookup.findVirtual(span, "getSpanContext", MethodType.methodType(spanContext)),
            lookup.findVirtual(spanContext, "isValid", MethodType.methodType(boolean.class)),
            lookup.findVirtual(spanContext, "getTraceId", MethodType.methodType(String.class)),
            lookup.findVirtual(spanContext, "getSpanId", MethodType.methodType(String.class)));
      } catch (ClassNotFoundException e) {
        return ABSENT; // the application does not use OpenTelemetry: nothing to link to
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        AgentLog.warnOnce(
            "application-span",
            "the application's OpenTelemetry API is not the"
                + " expected one; inference spans are not linked to its spans",
            e);
        return ABSENT;
      }
    }

    SpanContext read() {
      if (current == null) {
        return null;
      }
      try {
        Object span = current.invoke();
        Object spanContext = context.invoke(span);
        if (!(boolean) valid.invoke(spanContext)) {
          return null;
        }
        // Marked sampled whatever the application decided: the agent's inference records must not
        // disappear because the application samples its traces (the default parent-based
        // sampler would drop them). The agent's own sampler setting still applies.
        return sampled((String) traceId.invoke(spanContext), (String) spanId.invoke(spanContext));
      } catch (Throwable t) {
        AgentLog.warnOnce(
            "application-span-read",
            "reading the application's current span failed;"
                + " inference spans are not linked to its spans",
            t);
        return null;
      }
    }
  }
}
