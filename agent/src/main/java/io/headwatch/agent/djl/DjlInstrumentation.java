package io.headwatch.agent.djl;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Instruments DJL (Deep Java Library) 0.36.x:
 *
 * <ul>
 *   <li>{@code ai.djl.inference.Predictor.batchPredict(List)} — {@code predict} calls it — one
 *       record per outermost call;
 *   <li>{@code Predictor.predictInternal(TranslatorContext, NDList)}, the model's forward pass, to
 *       read attention tensors among the model's outputs (TorchScript models that return them);
 *   <li>{@code ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.toEncoding(long, boolean)},
 *       through which every {@code encode}/{@code batchEncode} returns its encodings;
 *   <li>{@code ai.djl.nn.transformer.ScaledDotProductAttentionBlock.forwardInternal} and {@code
 *       ai.djl.pytorch.engine.PtNDArray.softmax(int)}: the attention probabilities of DJL's own
 *       transformer blocks on the PyTorch engine.
 * </ul>
 *
 * Each type is instrumented only when the DJL found next to it is a supported version ({@link
 * DjlVersionCheck}); otherwise the agent leaves DJL alone, and says so in one line only when the
 * application loads DJL's {@code Predictor} (a tokenizer-only application is told nothing).
 */
public final class DjlInstrumentation {
  static final String PREDICTOR = "ai.djl.inference.Predictor";
  static final String TOKENIZER = "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer";
  static final String ATTENTION_BLOCK = "ai.djl.nn.transformer.ScaledDotProductAttentionBlock";
  static final String PT_NDARRAY = "ai.djl.pytorch.engine.PtNDArray";
  private static final String ADVICE = "io.headwatch.agent.djl.DjlAdvice";

  private DjlInstrumentation() {}

  public static AgentBuilder register(AgentBuilder builder) {
    ClassLoader agentLoader = DjlInstrumentation.class.getClassLoader();
    return builder
        .type(
            supported(
                PREDICTOR,
                named("batchPredict")
                    .and(takesArguments(1))
                    .and(takesArgument(0, named("java.util.List")))))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(
                    named("batchPredict")
                        .and(takesArguments(1))
                        .and(takesArgument(0, named("java.util.List"))),
                    ADVICE + "$BatchPredict")
                .advice(
                    named("predictInternal")
                        .and(takesArguments(2))
                        .and(takesArgument(1, named("ai.djl.ndarray.NDList"))),
                    ADVICE + "$Forward"))
        .type(
            supported(
                TOKENIZER, named("toEncoding").and(takesArguments(long.class, boolean.class))))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(
                    named("toEncoding").and(takesArguments(long.class, boolean.class)),
                    ADVICE + "$Encoding"))
        .type(supported(ATTENTION_BLOCK, named("forwardInternal").and(takesArguments(4))))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(
                    named("forwardInternal")
                        .and(takesArguments(4))
                        .and(takesArgument(1, named("ai.djl.ndarray.NDList"))),
                    ADVICE + "$AttentionBlock"))
        .type(supported(PT_NDARRAY, named("softmax").and(takesArguments(int.class))))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(agentLoader)
                .advice(
                    named("softmax").and(takesArguments(int.class)).and(isNotConstructor()),
                    ADVICE + "$Softmax"));
  }

  private static ElementMatcher.Junction<MethodDescription> isNotConstructor() {
    return net.bytebuddy.matcher.ElementMatchers.not(isConstructor());
  }

  /**
   * Matches the type named {@code name} when the DJL next to it is supported and the type declares
   * the method the agent needs; a type that lacks it is logged once and left alone.
   */
  private static AgentBuilder.RawMatcher supported(
      String name, ElementMatcher<? super MethodDescription> required) {
    return (TypeDescription type,
        ClassLoader loader,
        net.bytebuddy.utility.JavaModule module,
        Class<?> redefined,
        java.security.ProtectionDomain domain) -> {
      if (!type.getName().equals(name)) {
        return false;
      }
      if (!DjlVersionCheck.supported(loader, name.equals(PREDICTOR))) {
        return false;
      }
      if (type.getDeclaredMethods().filter(required).isEmpty()) {
        DjlVersionCheck.reportMissing(name);
        return false;
      }
      return true;
    };
  }
}
