package io.headwatch.agent.library;

import net.bytebuddy.asm.Advice;

/**
 * Advice woven into model libraries. No logic here: each method hands its arguments, typed {@code
 * Object}, to {@link LibraryHooks}, whose methods never throw; {@code suppress} is a second guard.
 */
final class LibraryAdvice {
  private LibraryAdvice() {}

  /** langchain4j: {@code loadFromJar(String modelResource, String tokenizerResource, ...)}. */
  static final class Langchain4jLoadFromJar {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) Object resource) {
      return LibraryHooks.enterResource(resource);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object previous) {
      LibraryHooks.exit(previous);
    }
  }

  /** Spring AI: {@code TransformersEmbeddingModel.afterPropertiesSet()}. */
  static final class SpringAiAfterPropertiesSet {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object model) {
      return LibraryHooks.enterSpringAi(model);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object previous) {
      LibraryHooks.exit(previous);
    }
  }
}
