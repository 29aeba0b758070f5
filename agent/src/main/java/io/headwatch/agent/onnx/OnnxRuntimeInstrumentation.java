package io.headwatch.agent.onnx;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Instruments {@code ai.onnxruntime.OrtSession} (ONNX Runtime 1.17 and newer):
 *
 * <ul>
 *   <li>its constructors from a path, a byte array or a ByteBuffer — every {@code
 *       OrtEnvironment.createSession} overload ends there — to analyse the model;
 *   <li>{@code run(Map, Set, Map, RunOptions)}, which every other {@code run} overload calls;
 *   <li>{@code close()}, to release the agent's capture session with the application's;
 *   <li>{@code OrtEnvironment$OrtEnvCloser.run()}, ONNX Runtime's shutdown hook, so that the
 *       agent's queued work finishes before the native environment goes away.
 * </ul>
 *
 * Advice classes are named by string so that they are never loaded into the wrong class loader.
 */
public final class OnnxRuntimeInstrumentation {
  static final String SESSION = "ai.onnxruntime.OrtSession";
  static final String ENVIRONMENT_CLOSER = "ai.onnxruntime.OrtEnvironment$OrtEnvCloser";
  private static final String ADVICE = "io.headwatch.agent.onnx.OrtSessionAdvice";

  // Set once Byte Buddy has woven the shutdown guard into ONNX Runtime's environment closer.
  private static volatile boolean shutdownGuarded;

  private OnnxRuntimeInstrumentation() {}

  /** Called for every type the agent transformed. */
  public static void transformed(String typeName) {
    if (ENVIRONMENT_CLOSER.equals(typeName)) {
      shutdownGuarded = true;
    }
  }

  /**
   * Whether ONNX Runtime's shutdown hook waits for the agent's own native calls. Without it, a
   * capture running on an agent thread at exit could use a released environment and crash the JVM,
   * so the agent makes no native call of its own (inference-level telemetry only).
   */
  static boolean shutdownGuarded() {
    return shutdownGuarded;
  }

  public static AgentBuilder register(AgentBuilder builder) {
    ClassLoader agentLoader = OnnxRuntimeInstrumentation.class.getClassLoader();
    return builder
        // ONNX Runtime releases its native environment in a shutdown hook; the agent's queued
        // work must finish first (see OnnxRuntimeHooks#beforeEnvironmentReleased).
        .type(named(ENVIRONMENT_CLOSER))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(named("run").and(takesArguments(0)), ADVICE + "$EnvironmentRelease"))
        .type(named(SESSION))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(
                    isConstructor()
                        .and(takesArguments(4))
                        .and(takesArgument(0, named("ai.onnxruntime.OrtEnvironment")))
                        .and(
                            takesArgument(1, named("java.lang.String"))
                                .or(takesArgument(1, byte[].class))
                                .or(takesArgument(1, named("java.nio.ByteBuffer")))),
                    ADVICE + "$Create")
                .advice(
                    named("run")
                        .and(takesArguments(4))
                        .and(takesArgument(0, named("java.util.Map")))
                        .and(takesArgument(1, named("java.util.Set")))
                        .and(takesArgument(2, named("java.util.Map"))),
                    ADVICE + "$Run")
                .advice(
                    named("close").and(takesArguments(0)).and(ElementMatchers.isPublic()),
                    ADVICE + "$Close"));
  }
}
