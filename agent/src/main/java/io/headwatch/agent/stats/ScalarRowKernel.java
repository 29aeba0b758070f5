package io.headwatch.agent.stats;

/** The plain loop: double accumulation, {@link FastLog}; results within 1e-10 of exact. */
final class ScalarRowKernel implements RowKernel {
  static final ScalarRowKernel INSTANCE = new ScalarRowKernel();

  private ScalarRowKernel() {}

  @Override
  public void addRun(float[] attn, int row, int from, int to, int query, double[] acc) {
    double sum = acc[SUM];
    double max = acc[MAX];
    double distance = acc[DISTANCE];
    double plogp = acc[PLOGP];
    for (int j = from; j < to; j++) {
      float a = attn[row + j];
      sum += a;
      if (a > max) {
        max = a;
      }
      distance += a * (double) Math.abs(query - j);
      // 0 ln 0 = 0; NaN != 0, so NaN still reaches the sum.
      if (a != 0f) {
        plogp += a * FastLog.log(a);
      }
    }
    acc[SUM] = sum;
    acc[MAX] = max;
    acc[DISTANCE] = distance;
    acc[PLOGP] = plogp;
  }

  @Override
  public String name() {
    return "scalar";
  }
}
