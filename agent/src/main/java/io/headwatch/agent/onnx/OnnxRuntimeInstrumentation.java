package io.headwatch.agent.onnx;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Instruments ONNX Runtime (1.17 and newer):
 *
 * <ul>
 *   <li>{@code OrtSession}'s constructors from a path, a byte array or a ByteBuffer — every {@code
 *       OrtEnvironment.createSession} overload ends there — to name the model and prepare its
 *       capture session;
 *   <li>{@code OrtSession.run(Map, Set, Map, RunOptions)}, which every other {@code run} overload
 *       calls;
 *   <li>{@code OrtSession.close()}, to release the capture session with the application's;
 *   <li>{@code OrtSession$SessionOptions} setters, so that capture sessions run like the
 *       application's ({@link SessionOptionsRecorder});
 *   <li>{@code OrtEnvironment$OrtEnvCloser.run()}, ONNX Runtime's shutdown hook, so that the
 *       agent's work finishes before the native environment goes away ({@link OnnxShutdownGuard}).
 * </ul>
 *
 * Advice classes are named by string so that they are never loaded into the wrong class loader.
 */
public final class OnnxRuntimeInstrumentation {
  static final String SESSION = "ai.onnxruntime.OrtSession";
  static final String SESSION_OPTIONS = "ai.onnxruntime.OrtSession$SessionOptions";
  static final String ENVIRONMENT_CLOSER = "ai.onnxruntime.OrtEnvironment$OrtEnvCloser";
  private static final String ADVICE = "io.headwatch.agent.onnx.OrtSessionAdvice";

  private OnnxRuntimeInstrumentation() {}

  /** Called for every type the agent transformed. */
  public static void transformed(String typeName) {
    if (ENVIRONMENT_CLOSER.equals(typeName)) {
      OnnxShutdownGuard.markGuarded();
    }
  }

  public static AgentBuilder register(AgentBuilder builder) {
    ClassLoader agentLoader = OnnxRuntimeInstrumentation.class.getClassLoader();
    Set<String> options = new HashSet<>(SessionOptionsRecorder.REPLAYED);
    options.addAll(SessionOptionsRecorder.OTHER_DEVICES);
    return builder
        .type(named(ENVIRONMENT_CLOSER))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(named("run").and(takesArguments(0)), ADVICE + "$EnvironmentRelease"))
        .type(named(SESSION_OPTIONS))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(
                    isPublic().and(namedOneOf(options.toArray(new String[0]))),
                    ADVICE + "$OptionsCall"))
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
                .advice(named("close").and(takesArguments(0)).and(isPublic()), ADVICE + "$Close"));
  }
}
