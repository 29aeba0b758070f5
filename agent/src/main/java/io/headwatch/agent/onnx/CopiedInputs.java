package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A copy of an inference's input tensors, taken on the inference thread (the application may close
 * its tensors as soon as {@code run} returns) and turned back into tensors on the worker.
 */
final class CopiedInputs {
  private final Map<String, Copy> copies;

  private CopiedInputs(Map<String, Copy> copies) {
    this.copies = copies;
  }

  private static final class Copy {
    final OnnxJavaType type;
    final long[] shape;
    final Buffer data;

    Copy(OnnxJavaType type, long[] shape, Buffer data) {
      this.type = type;
      this.shape = shape;
      this.data = data;
    }
  }

  /** Copies every input, or returns null when one is not a plain numeric tensor. */
  static CopiedInputs copy(Map<?, ?> inputs) {
    Map<String, Copy> copies = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : inputs.entrySet()) {
      if (!(entry.getValue() instanceof OnnxTensor)) {
        return null;
      }
      OnnxTensor tensor = (OnnxTensor) entry.getValue();
      TensorInfo info = tensor.getInfo();
      Buffer data = copyData(tensor, info.type);
      if (data == null) {
        return null;
      }
      copies.put((String) entry.getKey(), new Copy(info.type, info.getShape(), data));
    }
    return new CopiedInputs(copies);
  }

  private static Buffer copyData(OnnxTensor tensor, OnnxJavaType type) {
    switch (type) {
      case FLOAT:
        return tensor.getFloatBuffer();
      case DOUBLE:
        return tensor.getDoubleBuffer();
      case INT64:
        return tensor.getLongBuffer();
      case INT32:
        return tensor.getIntBuffer();
      case INT16:
      case FLOAT16:
      case BFLOAT16:
        return tensor.getShortBuffer();
      case INT8:
      case UINT8:
      case BOOL:
        return tensor.getByteBuffer();
      default:
        return null; // strings and unknown types are not re-created
    }
  }

  /** Bytes the copies take. */
  long bytes() {
    long n = 0;
    for (Copy c : copies.values()) {
      n += (long) c.data.capacity() * bytesPerElement(c.data);
    }
    return n;
  }

  private static int bytesPerElement(Buffer b) {
    if (b instanceof LongBuffer || b instanceof DoubleBuffer) {
      return 8;
    }
    if (b instanceof IntBuffer || b instanceof FloatBuffer) {
      return 4;
    }
    if (b instanceof ShortBuffer) {
      return 2;
    }
    return 1;
  }

  /**
   * The copied input as longs ([batch, sequence] masks and ids), or null if absent or not integral.
   */
  long[] longValues(String name) {
    Copy copy = copies.get(name);
    if (copy == null) {
      return null;
    }
    if (copy.data instanceof LongBuffer) {
      LongBuffer b = ((LongBuffer) copy.data).duplicate();
      long[] out = new long[b.remaining()];
      b.get(out);
      return out;
    }
    if (copy.data instanceof IntBuffer) {
      IntBuffer b = ((IntBuffer) copy.data).duplicate();
      long[] out = new long[b.remaining()];
      for (int i = 0; i < out.length; i++) {
        out[i] = b.get();
      }
      return out;
    }
    return null;
  }

  /** Creates fresh tensors holding the copies; the caller closes them. */
  Map<String, OnnxTensor> toTensors(OrtEnvironment env) throws OrtException {
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Copy> entry : copies.entrySet()) {
        tensors.put(entry.getKey(), create(env, entry.getValue()));
      }
      return tensors;
    } catch (OrtException | RuntimeException e) {
      tensors.values().forEach(OnnxTensor::close);
      throw e;
    }
  }

  private static OnnxTensor create(OrtEnvironment env, Copy copy) throws OrtException {
    Buffer data = copy.data.duplicate();
    if (data instanceof FloatBuffer) {
      return OnnxTensor.createTensor(env, (FloatBuffer) data, copy.shape);
    }
    if (data instanceof DoubleBuffer) {
      return OnnxTensor.createTensor(env, (DoubleBuffer) data, copy.shape);
    }
    if (data instanceof LongBuffer) {
      return OnnxTensor.createTensor(env, (LongBuffer) data, copy.shape);
    }
    if (data instanceof IntBuffer) {
      return OnnxTensor.createTensor(env, (IntBuffer) data, copy.shape);
    }
    if (data instanceof ShortBuffer) {
      return OnnxTensor.createTensor(env, (ShortBuffer) data, copy.shape, copy.type);
    }
    return OnnxTensor.createTensor(env, (ByteBuffer) data, copy.shape, copy.type);
  }
}
