package io.headwatch.agent.djl;

import net.bytebuddy.asm.Advice;

/**
 * Advice woven into DJL. No logic here: each method hands its arguments, typed {@code Object}, to
 * {@link DjlHooks}, whose methods never throw; {@code suppress} is a second guard.
 */
final class DjlAdvice {
  private DjlAdvice() {}

  /** {@code Predictor.batchPredict(List)}; {@code predict(I)} calls it. */
  static final class BatchPredict {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.FieldValue("model") Object model,
        @Advice.FieldValue("translator") Object translator,
        @Advice.Argument(0) Object inputs) {
      return DjlHooks.onPredictEnter(model, translator, inputs);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object scope, @Advice.Return Object result, @Advice.Thrown Throwable thrown) {
      DjlHooks.onPredictExit(scope, result, thrown);
    }
  }

  /** {@code Predictor.predictInternal(TranslatorContext, NDList)}: the model's forward pass. */
  static final class Forward {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter() {
      return DjlHooks.onForwardEnter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter boolean entered, @Advice.Return Object outputs) {
      DjlHooks.onForwardExit(entered, outputs);
    }
  }

  /** {@code HuggingFaceTokenizer.toEncoding(long, boolean)}: every encoding passes here. */
  static final class Encoding {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter() {
      return DjlHooks.onEncodingEnter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter boolean entered, @Advice.Return Object encoding) {
      DjlHooks.onEncodingExit(entered, encoding);
    }
  }

  /** {@code ScaledDotProductAttentionBlock.forwardInternal}. */
  static final class AttentionBlock {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter() {
      return DjlHooks.onAttentionBlockEnter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter boolean entered) {
      DjlHooks.onAttentionBlockExit(entered);
    }
  }

  /**
   * {@code PtNDArray.softmax(int)}: read only inside an attention block of a sampled prediction.
   */
  static final class Softmax {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return Object probabilities) {
      DjlHooks.onSoftmax(probabilities);
    }
  }
}
