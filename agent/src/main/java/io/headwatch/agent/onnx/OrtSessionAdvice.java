package io.headwatch.agent.onnx;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Advice woven into ONNX Runtime. No logic here: each method hands its arguments to {@link
 * OnnxRuntimeHooks}, whose methods never throw; {@code suppress} is a second guard so that nothing
 * the agent does can reach the application.
 */
final class OrtSessionAdvice {
  private OrtSessionAdvice() {}

  /** The session constructors (path, byte array or ByteBuffer; then allocator and options). */
  static final class Create {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object session,
        @Advice.Argument(0) Object environment,
        @Advice.Argument(1) Object model,
        @Advice.Argument(3) Object options) {
      OnnxRuntimeHooks.onSessionCreated(session, environment, model, options);
    }
  }

  /**
   * {@code run(Map, Set, Map, RunOptions)}. When the enter hook returns a {@link ServedCall}, the
   * original method is skipped and the served result is returned instead.
   */
  static final class Run {
    @Advice.OnMethodEnter(skipOn = ServedCall.class, suppress = Throwable.class)
    static Object enter(
        @Advice.This Object session,
        @Advice.Argument(0) Object inputs,
        @Advice.Argument(1) Object requested,
        @Advice.Argument(2) Object pinned,
        @Advice.Argument(3) Object runOptions) {
      return OnnxRuntimeHooks.onRunEnter(session, inputs, requested, pinned, runOptions);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object call,
        @Advice.Argument(0) Object inputs,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      if (call instanceof ServedCall) {
        result = ((ServedCall) call).result;
      }
      OnnxRuntimeHooks.onRunExit(call, inputs, result, thrown);
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

  /** {@code SessionOptions} setters: how the application configures its sessions. */
  static final class OptionsCall {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.This Object options,
        @Advice.Origin("#m") String method,
        @Advice.AllArguments Object[] args,
        @Advice.Thrown Throwable thrown) {
      OnnxRuntimeHooks.onOptionsCall(options, method, args, thrown);
    }
  }
}
