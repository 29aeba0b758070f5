package io.headwatch.agent;

import io.headwatch.agent.config.HeadwatchConfig;
import io.headwatch.agent.djl.DjlInstrumentation;
import io.headwatch.agent.export.AgentTelemetry;
import io.headwatch.agent.library.LibraryInstrumentation;
import io.headwatch.agent.onnx.OnnxRuntimeInstrumentation;
import io.headwatch.agent.runtime.AgentRuntime;
import io.headwatch.agent.util.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Entry point of {@code -javaagent:headwatch-agent.jar[=settings]} (and of late attach).
 *
 * <p>Reads the settings, installs the Byte Buddy transformations and returns: nothing else runs
 * until the application creates a model session.
 */
public final class HeadwatchAgent {
  private HeadwatchAgent() {}

  public static void premain(String args, Instrumentation instrumentation) {
    start(args, instrumentation);
  }

  public static void agentmain(String args, Instrumentation instrumentation) {
    start(args, instrumentation);
  }

  /**
   * Entry point as an extension of the OpenTelemetry Java agent ({@code
   * -Dotel.javaagent.extensions=headwatch-otel-extension.jar}), called by {@code
   * otel.HeadwatchExtension} once that agent is installed: settings from system properties and the
   * environment only, telemetry through that agent's OpenTelemetry.
   */
  public static void startAsExtension(
      Instrumentation instrumentation, Supplier<AgentTelemetry> telemetry) {
    start(null, instrumentation, telemetry, "as an OpenTelemetry Java agent extension");
  }

  private static void start(String args, Instrumentation instrumentation) {
    start(args, instrumentation, AgentTelemetry::create, "");
  }

  private static synchronized void start(
      String args,
      Instrumentation instrumentation,
      Supplier<AgentTelemetry> telemetry,
      String how) {
    try {
      if (AgentRuntime.current() != null) {
        AgentLog.warn("agent already started; ignoring a second start");
        return;
      }
      HeadwatchConfig config = HeadwatchConfig.load(args);
      AgentLog.setDebug(config.debug());
      if (!config.enabled()) {
        AgentLog.info("disabled by headwatch.enabled=false");
        return;
      }
      install(config, instrumentation, telemetry);
      AgentLog.info(
          "started"
              + (how.isEmpty() ? "" : " " + how)
              + ": sampling rate "
              + config.samplingRate());
    } catch (Throwable t) {
      // The application must start whatever happens to the agent.
      AgentLog.warnOnce("start", "agent failed to start; the application runs without it", t);
    }
  }

  /**
   * Installs the runtime and the transformations, once per JVM. {@code -javaagent} calls it with
   * the SDK built from the standard OpenTelemetry settings; in-process tests call it with their own
   * telemetry (in-memory exporters) and the instrumentation of {@code ByteBuddyAgent.install()}.
   */
  public static ResettableClassFileTransformer install(
      HeadwatchConfig config, Instrumentation instrumentation, Supplier<AgentTelemetry> telemetry) {
    AgentRuntime runtime = new AgentRuntime(config, telemetry);
    AgentRuntime.install(runtime);
    disableNexus();
    // Only declared methods are woven, so the method graph of declared methods is enough; a
    // full graph would resolve every interface, including ones another agent (the OpenTelemetry
    // Java agent) adds to a class and defines only later.
    AgentBuilder builder =
        new AgentBuilder.Default(
                new ByteBuddy().with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(new TransformationListener())
            .ignore(
                ElementMatchers.nameStartsWith("net.bytebuddy.")
                    .or(ElementMatchers.nameStartsWith("io.headwatch.agent."))
                    .or(ElementMatchers.nameStartsWith("java."))
                    .or(ElementMatchers.nameStartsWith("jdk."))
                    .or(ElementMatchers.nameStartsWith("sun.")));
    if (config.onnxRuntimeEnabled()) {
      builder = OnnxRuntimeInstrumentation.register(builder);
    }
    if (config.djlEnabled()) {
      builder = DjlInstrumentation.register(builder);
    }
    // Only to name the models that libraries above the engines load (no inference is touched).
    builder = LibraryInstrumentation.register(builder);
    return builder.installOn(instrumentation);
  }

  /**
   * The agent needs no Byte Buddy "Nexus" (it initialises nothing in woven classes: {@code
   * InitializationStrategy.NoOp}), but {@code AgentBuilder.Default}'s constructor prepares one by
   * default, and preparing it probes class injection through {@code sun.misc.Unsafe}, which Java 24
   * and newer report on the application's standard error ("sun.misc.Unsafe::objectFieldOffset has
   * been called by ...ClassInjector$UsingUnsafe..."). Byte Buddy skips that probe when its Nexus is
   * disabled. The property is the agent's own: Byte Buddy is relocated, and the shade plugin
   * relocates this constant with it, so an application's own Byte Buddy is not affected.
   */
  private static void disableNexus() {
    if (System.getProperty(Nexus.PROPERTY) == null) {
      System.setProperty(Nexus.PROPERTY, "true");
    }
  }

  /**
   * Logs (once per type) a transformation that failed, instead of failing silently, and tells the
   * ONNX Runtime instrumentation whether its shutdown guard is in place.
   */
  private static final class TransformationListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onTransformation(
        TypeDescription type,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      OnnxRuntimeInstrumentation.transformed(type.getName());
      // A model library is being loaded: prepare the telemetry while the application loads its
      // model, instead of during its first session creation or inference.
      AgentRuntime runtime = AgentRuntime.current();
      if (runtime != null) {
        runtime.warmUp();
      }
    }

    @Override
    public void onError(
        String typeName,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        Throwable throwable) {
      AgentLog.warnOnce(
          "transform-" + typeName,
          "could not instrument " + typeName + "; it runs unobserved",
          throwable);
    }
  }
}
