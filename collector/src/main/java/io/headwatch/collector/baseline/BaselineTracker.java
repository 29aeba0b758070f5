package io.headwatch.collector.baseline;

import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.TopHeads;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Baselines per model over the last {@code window} snapshots. A new snapshot is scored against the
 * window as it was before the snapshot arrived, then joins it. The head table compares the
 * snapshots of predictions made in a recent time window ("now", baseline-now: by the prediction's
 * own time, against the collector's clock) with the older ones. Thread-safe.
 *
 * <p>Bounded by bytes: all windows together hold at most {@code maxBytes}. A window is sized when
 * its model first arrives: {@code window} snapshots, or fewer if one model's snapshots are so large
 * that {@code window} of them would not fit. To make room for a new model, the models not seen for
 * longest lose their windows (counted through {@code onEvicted}; they start again when their
 * snapshots come back).
 */
public final class BaselineTracker {
  private final int window;
  private final long nowMillis;
  private final int minSize;
  private final long maxBytes;
  private final Runnable onEvicted;

  /** In access order: the first is the model least recently seen. */
  private final LinkedHashMap<String, ModelBaseline> models = new LinkedHashMap<>(16, 0.75f, true);

  private long bytes;

  /**
   * @param window snapshots per model kept (N)
   * @param nowMillis snapshots of predictions made within this many milliseconds form "now" in
   *     {@link #compare}
   * @param minSize fewest snapshots a baseline needs before it scores anything
   */
  public BaselineTracker(int window, long nowMillis, int minSize) {
    this(window, nowMillis, minSize, Long.MAX_VALUE, () -> {});
  }

  /**
   * @param maxBytes memory all windows may hold together (baseline-bytes)
   * @param onEvicted called once per window dropped to make room
   */
  public BaselineTracker(
      int window, long nowMillis, int minSize, long maxBytes, Runnable onEvicted) {
    this.window = window;
    this.nowMillis = nowMillis;
    this.minSize = minSize;
    this.maxBytes = maxBytes;
    this.onEvicted = onEvicted;
  }

  /**
   * Scores one snapshot and adds it to its model's window. {@code stats} is indexed by {@link
   * AttentionStatistic#ordinal()}, each array of length layers*heads (row-major by layer), null
   * where the snapshot lacked the statistic; {@code timeMillis} is when the prediction was made. A
   * change of shape restarts the model's window.
   */
  public synchronized List<HeadDeviation> scoreAndAdd(
      String model, int layers, int heads, double[][] stats, long timeMillis) {
    ModelBaseline b = windowFor(model, layers, heads);
    List<HeadDeviation> top = b.deviations(stats, minSize, TopHeads.LIMIT);
    b.add(stats, timeMillis);
    return top;
  }

  /** Adds a snapshot without scoring it (used to refill windows from the store on start). */
  public synchronized void add(
      String model, int layers, int heads, double[][] stats, long timeMillis) {
    windowFor(model, layers, heads).add(stats, timeMillis);
  }

  private ModelBaseline windowFor(String model, int layers, int heads) {
    ModelBaseline b = models.get(model);
    if (b != null && b.hasShape(layers, heads)) {
      return b;
    }
    if (b != null) {
      models.remove(model);
      bytes -= b.bytes();
    }
    long fixed = ModelBaseline.bytesFor(layers, heads, 0);
    long row = ModelBaseline.bytesFor(layers, heads, 1) - fixed;
    int capacity = (int) Math.max(1, Math.min(window, (maxBytes - fixed) / row));
    b = new ModelBaseline(layers, heads, capacity);
    Iterator<ModelBaseline> leastRecent = models.values().iterator();
    while (bytes + b.bytes() > maxBytes && leastRecent.hasNext()) {
      bytes -= leastRecent.next().bytes();
      leastRecent.remove();
      onEvicted.run();
    }
    models.put(model, b);
    bytes += b.bytes();
    return b;
  }

  /** Bytes the windows are sized for (against baseline-bytes). */
  public synchronized long bytes() {
    return bytes;
  }

  /** Snapshots the model's window can hold (fewer than the window setting for huge models). */
  public synchronized int capacity(String model) {
    ModelBaseline b = models.get(model);
    return b == null ? 0 : b.capacity();
  }

  /**
   * "Now" (snapshots of predictions made in the last {@code nowMillis} before {@code atMillis}) vs
   * the older snapshots of the window, per (layer, head, statistic); empty for an unknown model.
   */
  public synchronized List<HeadBaseline> compare(String model, long atMillis) {
    ModelBaseline b = models.get(model);
    return b == null ? List.of() : b.compare(atMillis - nowMillis, minSize);
  }

  /** How far back "now" reaches, in milliseconds. */
  public long nowMillis() {
    return nowMillis;
  }

  /**
   * One head's values per statistic, recent against baseline as in {@link #compare}; empty for an
   * unknown model or a head outside its shape.
   */
  public synchronized List<HeadValues> values(String model, int layer, int head, long atMillis) {
    ModelBaseline b = models.get(model);
    return b == null ? List.of() : b.values(layer, head, atMillis - nowMillis);
  }

  /** Snapshots currently in the model's window (0 if unknown). */
  public synchronized int windowSize(String model) {
    ModelBaseline b = models.get(model);
    return b == null ? 0 : b.size();
  }
}
