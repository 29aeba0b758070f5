package io.headwatch.agent.capture;

/**
 * A float tensor an engine captured: its shape and its values, row-major. An engine may hand over
 * native memory and copy it only when the statistics worker first asks for the values.
 */
public interface FloatTensor {
  /** The tensor's dimensions. */
  long[] shape();

  /** The values, row-major; the first call may copy them out of the engine's memory. */
  float[] values();

  /** Bytes the values take (for the pipeline's byte bound). */
  default long bytes() {
    long n = 4;
    for (long d : shape()) {
      n *= d;
    }
    return n;
  }

  /** A tensor over a Java array the caller no longer touches. */
  static FloatTensor of(long[] shape, float[] values) {
    long[] copy = shape.clone();
    return new FloatTensor() {
      @Override
      public long[] shape() {
        return copy;
      }

      @Override
      public float[] values() {
        return values;
      }
    };
  }
}
