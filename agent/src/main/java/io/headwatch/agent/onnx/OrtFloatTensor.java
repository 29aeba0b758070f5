package io.headwatch.agent.onnx;

import ai.onnxruntime.OnnxTensor;
import io.headwatch.agent.capture.FloatTensor;
import java.nio.FloatBuffer;

/**
 * A float output of the capture session, left in ONNX Runtime's memory until the statistics worker
 * reads it: the application's thread only hands it over. Reading and closing are the agent's own
 * native calls, refused once ONNX Runtime is shutting down.
 */
final class OrtFloatTensor implements FloatTensor {
  private final OnnxTensor tensor;
  private final long[] shape;
  private float[] values;

  OrtFloatTensor(OnnxTensor tensor) {
    this.tensor = tensor;
    this.shape = tensor.getInfo().getShape();
  }

  @Override
  public long[] shape() {
    return shape;
  }

  @Override
  public synchronized float[] values() {
    if (values == null) {
      try {
        FloatBuffer buffer = OnnxShutdownGuard.asAgent(tensor::getFloatBuffer);
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        values = out;
      } catch (Exception e) {
        throw new IllegalStateException("could not read a captured tensor", e);
      }
    }
    return values;
  }

  /** Frees the native tensor (the values already read stay readable). */
  void close() {
    OnnxShutdownGuard.quietly(
        () -> {
          tensor.close();
          return null;
        },
        "closing a captured tensor");
  }
}
