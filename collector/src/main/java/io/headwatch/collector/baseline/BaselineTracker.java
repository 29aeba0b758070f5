package io.headwatch.collector.baseline;

import io.headwatch.collector.model.HeadDeviation;
import io.headwatch.collector.model.TopHeads;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Baselines per model over the last {@code window} snapshots. A new snapshot is scored against the
 * window as it was before the snapshot arrived, then joins it. Thread-safe.
 */
public final class BaselineTracker {
  private final int window;
  private final int recent;
  private final int minSize;
  private final Map<String, ModelBaseline> models = new HashMap<>();

  /**
   * @param window snapshots per model kept (N)
   * @param recent newest snapshots that form "now" in {@link #compare}
   * @param minSize fewest snapshots a baseline needs before it scores anything
   */
  public BaselineTracker(int window, int recent, int minSize) {
    this.window = window;
    this.recent = Math.min(recent, window);
    this.minSize = minSize;
  }

  /**
   * Scores one snapshot and adds it to its model's window. {@code stats} is indexed by {@link
   * AttentionStatistic#ordinal()}, each array of length layers*heads (row-major by layer), null
   * where the snapshot lacked the statistic. A change of shape restarts the model's window.
   */
  public synchronized List<HeadDeviation> scoreAndAdd(
      String model, int layers, int heads, double[][] stats) {
    ModelBaseline b = windowFor(model, layers, heads);
    List<HeadDeviation> top = b.deviations(stats, minSize, TopHeads.LIMIT);
    b.add(stats);
    return top;
  }

  /** Adds a snapshot without scoring it (used to refill windows from the store on start). */
  public synchronized void add(String model, int layers, int heads, double[][] stats) {
    windowFor(model, layers, heads).add(stats);
  }

  private ModelBaseline windowFor(String model, int layers, int heads) {
    ModelBaseline b = models.get(model);
    if (b == null || !b.hasShape(layers, heads)) {
      b = new ModelBaseline(layers, heads, window);
      models.put(model, b);
    }
    return b;
  }

  /** Recent vs baseline per (layer, head, statistic); empty for an unknown model. */
  public synchronized List<HeadBaseline> compare(String model) {
    ModelBaseline b = models.get(model);
    return b == null ? List.of() : b.compare(recent, minSize);
  }

  /** Snapshots currently in the model's window (0 if unknown). */
  public synchronized int windowSize(String model) {
    ModelBaseline b = models.get(model);
    return b == null ? 0 : b.size();
  }
}
