package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the agent reads from a session's inputs: which input is the attention mask and which the
 * token ids (by name), each sequence's valid token count, and the mask itself for a capture.
 */
final class SessionInputs {
  private final String maskInput;
  private final String idsInput;

  SessionInputs(List<String> inputNames) {
    this.maskInput = find(inputNames, "attention_mask", "mask");
    this.idsInput = find(inputNames, "input_ids", "ids");
  }

  private static String find(List<String> inputs, String exact, String contains) {
    for (String input : inputs) {
      if (input.equals(exact)) {
        return input;
      }
    }
    for (String input : inputs) {
      if (input.toLowerCase(Locale.ROOT).contains(contains)) {
        return input;
      }
    }
    return null;
  }

  /** The attention mask, {@code [batch, sequence]} row-major, or null. */
  long[] mask(Map<?, ?> inputs) {
    Object mask = maskInput == null ? null : inputs.get(maskInput);
    if (!(mask instanceof OnnxTensor t) || t.getInfo().getShape().length != 2) {
      return null;
    }
    return longs(t);
  }

  /** Valid tokens per sequence: the mask's sum per row, else the ids' row length, else none. */
  int[] tokensPerSequence(Map<?, ?> inputs, long[] mask) {
    Object maskTensor = maskInput == null ? null : inputs.get(maskInput);
    Object ids = idsInput == null ? null : inputs.get(idsInput);
    OnnxTensor shaped =
        maskTensor instanceof OnnxTensor m ? m : ids instanceof OnnxTensor i ? i : null;
    if (shaped == null) {
      return new int[0];
    }
    long[] shape = shaped.getInfo().getShape();
    if (shape.length != 2) {
      return new int[0];
    }
    int batch = (int) shape[0];
    int length = (int) shape[1];
    int[] tokens = new int[batch];
    if (shaped == maskTensor && mask != null && mask.length == (long) batch * length) {
      for (int b = 0; b < batch; b++) {
        int n = 0;
        for (int i = 0; i < length; i++) {
          n += mask[b * length + i] != 0 ? 1 : 0;
        }
        tokens[b] = n;
      }
      return tokens;
    }
    Arrays.fill(tokens, length);
    return tokens;
  }

  /** An integer tensor's values as longs, whatever its Java type; null for other types. */
  static long[] longs(OnnxTensor tensor) {
    switch (tensor.getInfo().type) {
      case INT64:
        {
          LongBuffer b = tensor.getLongBuffer();
          long[] out = new long[b.remaining()];
          b.get(out);
          return out;
        }
      case INT32:
        {
          IntBuffer b = tensor.getIntBuffer();
          long[] out = new long[b.remaining()];
          for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
          }
          return out;
        }
      default:
        return null;
    }
  }
}
