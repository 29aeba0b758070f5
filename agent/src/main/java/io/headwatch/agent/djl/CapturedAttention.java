package io.headwatch.agent.djl;

/** One layer's attention probabilities, copied out of the engine: {@code [batch, heads, q, k]}. */
final class CapturedAttention {
  final int layer;
  final int batch;
  final int heads;
  final int length;
  final float[] values;

  CapturedAttention(int layer, int batch, int heads, int length, float[] values) {
    this.layer = layer;
    this.batch = batch;
    this.heads = heads;
    this.length = length;
    this.values = values;
  }

  /**
   * Whether {@code values} look like attention probabilities: every weight in [0, 1] (with a little
   * rounding) and every row summing to 1 within 1e-3. Model outputs that merely have a
   * 4-dimensional square shape (images, masks) are not attention.
   */
  static boolean looksLikeProbabilities(float[] values, int length) {
    if (length <= 0 || values.length % length != 0) {
      return false;
    }
    for (int row = 0; row < values.length; row += length) {
      double sum = 0;
      for (int j = 0; j < length; j++) {
        float v = values[row + j];
        if (!(v >= -1e-6f && v <= 1.000001f)) {
          return false;
        }
        sum += v;
      }
      if (Math.abs(sum - 1.0) > 1e-3) {
        return false;
      }
    }
    return true;
  }
}
