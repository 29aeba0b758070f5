package io.headwatch.agent.onnx;

import net.bytebuddy.asm.Advice;

/**
 * Advice woven into {@code ai.onnxruntime.OrtSession}. No logic here: each method hands its
 * arguments to {@link OnnxRuntimeHooks}, whose methods never throw; {@code suppress} is a second
 * guard so that nothing the agent does can reach the application.
 */
final class OrtSessionAdvice {
  private OrtSessionAdvice() {}

  static final class Create {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object session,
        @Advice.Argument(0) Object environment,
        @Advice.Argument(1) Object model) {
      OnnxRuntimeHooks.onSessionCreated(session, environment, model);
    }
  }

  static final class Run {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object session) {
      return OnnxRuntimeHooks.onRunEnter(session);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object scope,
        @Advice.Argument(0) Object inputs,
        @Advice.Return Object result,
        @Advice.Thrown Throwable thrown) {
      OnnxRuntimeHooks.onRunExit(scope, inputs, result, thrown);
    }
  }

  static final class Close {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object session) {
      OnnxRuntimeHooks.onSessionClosed(session);
    }
  }

  static final class EnvironmentRelease {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter() {
      OnnxRuntimeHooks.beforeEnvironmentReleased();
    }
  }
}
