package io.headwatch.collector.baseline;

import io.headwatch.collector.model.AttentionStatistic;
import io.headwatch.collector.model.HeadDeviation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The last {@code window} snapshots of one model, per (layer, head, statistic), as a ring of float
 * rows; medians and MADs over it are cached and refreshed every {@code refreshEvery} new snapshots
 * so scoring stays cheap for models with thousands of heads.
 */
final class ModelBaseline {
  private static final int STATS = AttentionStatistic.ALL.size();

  private final int layers;
  private final int heads;
  private final int window;
  private final int refreshEvery;
  private final float[][] ring;
  private final long[] times;
  private int size;
  private int next;
  private int sinceRefresh;
  private double[] medians;
  private double[] mads;

  ModelBaseline(int layers, int heads, int window) {
    this.layers = layers;
    this.heads = heads;
    this.window = window;
    this.refreshEvery = Math.max(1, window / 50);
    this.ring = new float[window][];
    this.times = new long[window];
  }

  /**
   * Heap a window of {@code capacity} snapshots takes when full: its float rows, the cached medians
   * and MADs, and the buffer a refresh sorts in.
   */
  static long bytesFor(int layers, int heads, int capacity) {
    long cells = (long) STATS * layers * heads;
    long row = 16 + cells * Float.BYTES + 8;
    // + the prediction time of each row
    return 64
        + capacity * row
        + 2 * (16 + cells * Double.BYTES)
        + 16
        + (long) capacity * 8
        + 16
        + (long) capacity * Long.BYTES;
  }

  long bytes() {
    return bytesFor(layers, heads, window);
  }

  int capacity() {
    return window;
  }

  boolean hasShape(int layers, int heads) {
    return this.layers == layers && this.heads == heads;
  }

  int size() {
    return size;
  }

  /**
   * Adds one snapshot's statistics, of a prediction made at {@code timeMillis}: stats[s] has
   * layers*heads values, NaN where missing.
   */
  void add(double[][] stats, long timeMillis) {
    float[] row = new float[STATS * layers * heads];
    for (int s = 0; s < STATS; s++) {
      for (int i = 0; i < layers * heads; i++) {
        row[s * layers * heads + i] = stats[s] == null ? Float.NaN : (float) stats[s][i];
      }
    }
    ring[next] = row;
    times[next] = timeMillis;
    next = (next + 1) % window;
    size = Math.min(size + 1, window);
    sinceRefresh++;
  }

  /**
   * The top {@code k} heads of a snapshot by their largest robust z over the statistics, compared
   * with this baseline (which must not yet contain the snapshot); empty below {@code minSize}.
   */
  List<HeadDeviation> deviations(double[][] stats, int minSize, int k) {
    if (size < minSize) {
      return List.of();
    }
    if (medians == null || sinceRefresh >= refreshEvery) {
      refresh();
    }
    int cells = layers * heads;
    List<HeadDeviation> perHead = new ArrayList<>();
    for (int i = 0; i < cells; i++) {
      HeadDeviation best = null;
      for (int s = 0; s < STATS; s++) {
        if (stats[s] == null || !Double.isFinite(stats[s][i])) {
          continue;
        }
        int c = s * cells + i;
        if (Double.isNaN(medians[c])) {
          continue;
        }
        double z = RobustStats.robustZ(stats[s][i], medians[c], mads[c]);
        if (best == null || z > best.z()) {
          best =
              new HeadDeviation(
                  i / heads,
                  i % heads,
                  AttentionStatistic.ALL.get(s).shortName(),
                  stats[s][i],
                  medians[c],
                  mads[c],
                  z);
        }
      }
      if (best != null) {
        perHead.add(best);
      }
    }
    perHead.sort(Comparator.comparingDouble(HeadDeviation::z).reversed());
    return List.copyOf(perHead.subList(0, Math.min(k, perHead.size())));
  }

  /**
   * The values of one head, per statistic: snapshots of predictions made at or after {@code since}
   * ("now", as in {@link #compare}) and the older ones of the window (NaN left out). Empty if the
   * head is outside the model's shape.
   */
  List<HeadValues> values(int layer, int head, long since) {
    if (layer < 0 || layer >= layers || head < 0 || head >= heads) {
      return List.of();
    }
    int cells = layers * heads;
    List<HeadValues> out = new ArrayList<>(STATS);
    for (int s = 0; s < STATS; s++) {
      int c = s * cells + layer * heads + head;
      float[] r = new float[size];
      float[] b = new float[size];
      int nr = 0;
      int nb = 0;
      for (int age = 0; age < size; age++) {
        int row = Math.floorMod(next - 1 - age, window);
        float v = ring[row][c];
        if (Float.isNaN(v)) {
          continue;
        }
        if (times[row] >= since) {
          r[nr++] = v;
        } else {
          b[nb++] = v;
        }
      }
      if (nr + nb > 0) {
        out.add(
            new HeadValues(
                AttentionStatistic.ALL.get(s).shortName(),
                java.util.Arrays.copyOf(r, nr),
                java.util.Arrays.copyOf(b, nb)));
      }
    }
    return out;
  }

  /**
   * "Now" (snapshots of predictions made at or after {@code since}) vs the older snapshots of the
   * window, for every (layer, head, statistic).
   */
  List<HeadBaseline> compare(long since, int minBaseline) {
    int cells = layers * heads;
    double[] recentBuf = new double[size];
    double[] olderBuf = new double[size];
    List<HeadBaseline> out = new ArrayList<>(cells * STATS);
    for (int i = 0; i < cells; i++) {
      for (int s = 0; s < STATS; s++) {
        int c = s * cells + i;
        int nr = 0;
        int no = 0;
        for (int age = 0; age < size; age++) {
          int r = Math.floorMod(next - 1 - age, window);
          float v = ring[r][c];
          if (Float.isNaN(v)) {
            continue;
          }
          if (times[r] >= since) {
            recentBuf[nr++] = v;
          } else {
            olderBuf[no++] = v;
          }
        }
        if (nr == 0 && no == 0) {
          continue;
        }
        double recentMedian = RobustStats.median(recentBuf, nr);
        double baseMedian = Double.NaN;
        double baseMad = Double.NaN;
        double z = Double.NaN;
        if (no >= minBaseline) {
          baseMedian = RobustStats.median(olderBuf, no);
          baseMad = RobustStats.mad(olderBuf, no, baseMedian);
          if (nr > 0) {
            z = RobustStats.robustZ(recentMedian, baseMedian, baseMad);
          }
        }
        out.add(
            new HeadBaseline(
                i / heads,
                i % heads,
                AttentionStatistic.ALL.get(s).shortName(),
                recentMedian,
                nr,
                baseMedian,
                baseMad,
                no,
                z));
      }
    }
    return out;
  }

  private void refresh() {
    int cells = layers * heads;
    medians = new double[STATS * cells];
    mads = new double[STATS * cells];
    double[] buf = new double[size];
    for (int c = 0; c < STATS * cells; c++) {
      int n = 0;
      for (int r = 0; r < size; r++) {
        float v = ring[r][c];
        if (!Float.isNaN(v)) {
          buf[n++] = v;
        }
      }
      medians[c] = RobustStats.median(buf, n);
      mads[c] = n == 0 ? Double.NaN : RobustStats.mad(buf, n, medians[c]);
    }
    sinceRefresh = 0;
  }
}
