package io.headwatch.agent.library;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Instruments, to name the models they load:
 *
 * <ul>
 *   <li>langchain4j's {@code AbstractInProcessEmbeddingModel.loadFromJar(String resource, ...)},
 *       through which every bundled model ({@code AllMiniLmL6V2EmbeddingModel}, {@code
 *       BgeSmallEnV15EmbeddingModel}, ...) reads its class-path resource: the resource's name
 *       ({@code all-minilm-l6-v2.onnx}) names the model;
 *   <li>Spring AI's {@code TransformersEmbeddingModel.afterPropertiesSet()}, which creates the
 *       session from its model resource's bytes: the resource's location names the model.
 * </ul>
 *
 * ({@code OnnxEmbeddingModel} and other libraries that give ONNX Runtime a path need nothing: the
 * path names the model.) Advice classes are named by string so that they are never loaded into the
 * wrong class loader.
 */
public final class LibraryInstrumentation {
  static final String LANGCHAIN4J_BASE = ".AbstractInProcessEmbeddingModel";
  static final String SPRING_AI_TRANSFORMERS =
      "org.springframework.ai.transformers.TransformersEmbeddingModel";
  private static final String ADVICE = "io.headwatch.agent.library.LibraryAdvice";

  private LibraryInstrumentation() {}

  public static AgentBuilder register(AgentBuilder builder) {
    ClassLoader agentLoader = LibraryInstrumentation.class.getClassLoader();
    return builder
        .type(nameStartsWith("dev.langchain4j.").and(nameEndsWith(LANGCHAIN4J_BASE)))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(
                    named("loadFromJar")
                        .and(isStatic())
                        .and(takesArgument(0, named("java.lang.String"))),
                    ADVICE + "$Langchain4jLoadFromJar"))
        .type(named(SPRING_AI_TRANSFORMERS))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(
                    named("afterPropertiesSet").and(takesArguments(0)),
                    ADVICE + "$SpringAiAfterPropertiesSet"));
  }
}
