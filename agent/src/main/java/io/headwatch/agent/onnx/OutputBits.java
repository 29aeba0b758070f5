package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exact bits of a run's outputs, to check that the capture session computes what the
 * application's session computes: the capture session may serve a model only while they agree bit
 * for bit. Only tensors are compared; a result holding anything else cannot be checked.
 */
final class OutputBits {
  private final Map<String, byte[]> bits;

  private OutputBits(Map<String, byte[]> bits) {
    this.bits = bits;
  }

  /** A copy of {@code result}'s tensors, or null when one is not a numeric tensor. */
  static OutputBits of(OrtSession.Result result) {
    Map<String, byte[]> bits = new LinkedHashMap<>();
    for (Map.Entry<String, OnnxValue> e : result) {
      if (!(e.getValue() instanceof OnnxTensor t)) {
        return null;
      }
      ByteBuffer b = t.getByteBuffer();
      if (b == null) {
        return null; // strings
      }
      byte[] copy = new byte[b.remaining()];
      b.get(copy);
      bits.put(e.getKey(), copy);
    }
    return new OutputBits(bits);
  }

  /** The output names. */
  java.util.Set<String> names() {
    return bits.keySet();
  }

  /** Whether {@code other} holds the same outputs with the same bits. */
  boolean sameAs(OutputBits other) {
    if (other == null || !bits.keySet().equals(other.bits.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : bits.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.bits.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The named outputs of {@code result}, compared with these. */
  boolean matches(OrtSession.Result result) {
    Map<String, byte[]> theirs = new LinkedHashMap<>();
    for (String name : bits.keySet()) {
      java.util.Optional<OnnxValue> value = result.get(name);
      if (value.isEmpty() || !(value.get() instanceof OnnxTensor t)) {
        return false;
      }
      ByteBuffer b = t.getByteBuffer();
      if (b == null) {
        return false;
      }
      byte[] copy = new byte[b.remaining()];
      b.get(copy);
      theirs.put(name, copy);
    }
    return sameAs(new OutputBits(theirs));
  }

  long bytes() {
    long n = 0;
    for (byte[] b : bits.values()) {
      n += b.length;
    }
    return n;
  }
}
