package com.example.intentrouter;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * Sentence embedding with all-MiniLM-L6-v2: tokenize, run the encoder, mean-pool the last hidden
 * state over the real tokens, L2-normalise.
 */
final class EmbeddingTranslator implements NoBatchifyTranslator<String, float[]> {
  private static final String MASK = "mask";
  private final HuggingFaceTokenizer tokenizer;

  EmbeddingTranslator(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, String input) {
    Encoding encoding = tokenizer.encode(input);
    NDManager manager = ctx.getNDManager();
    NDArray ids = manager.create(encoding.getIds()).expandDims(0);
    ids.setName("input_ids");
    NDArray mask = manager.create(encoding.getAttentionMask()).expandDims(0);
    mask.setName("attention_mask");
    NDArray types = manager.create(encoding.getTypeIds()).expandDims(0);
    types.setName("token_type_ids");
    ctx.setAttachment(MASK, encoding.getAttentionMask());
    return new NDList(ids, mask, types);
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    long[] mask = (long[]) ctx.getAttachment(MASK);
    NDArray hidden = list.get(0); // last_hidden_state [1, tokens, 384]
    float[] values = hidden.toFloatArray();
    int tokens = mask.length;
    int width = values.length / tokens;
    return meanPoolAndNormalize(values, mask, width);
  }

  static float[] meanPoolAndNormalize(float[] values, long[] mask, int width) {
    double[] sum = new double[width];
    int count = 0;
    for (int t = 0; t < mask.length; t++) {
      if (mask[t] == 0) {
        continue;
      }
      count++;
      for (int d = 0; d < width; d++) {
        sum[d] += values[t * width + d];
      }
    }
    double norm = 0;
    for (int d = 0; d < width; d++) {
      sum[d] /= Math.max(count, 1);
      norm += sum[d] * sum[d];
    }
    norm = Math.sqrt(norm);
    float[] out = new float[width];
    for (int d = 0; d < width; d++) {
      out[d] = (float) (norm == 0 ? 0 : sum[d] / norm);
    }
    return out;
  }
}
