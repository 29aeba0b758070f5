package io.headwatch.agent.djl;

/** Checks on attention tensors DJL models hand over. */
final class CapturedAttention {
  private CapturedAttention() {}

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
